using Deepen.Ops;
using Deepen.Utils;
using static TorchSharp.torch;

namespace Deepen.Data.Images;

public sealed partial class ImageDataGenerator
{
    /// <summary>
    /// Draws one image's random transform, as Keras's <c>get_random_transform</c>: with <paramref name="seed"/> the
    /// draw is repeatable; without, it comes from this generator's own seeded stream.
    /// </summary>
    /// <param name="imageShape">(height, width, channels) of the image.</param>
    /// <param name="seed">Optional seed for this draw.</param>
    /// <example><code>TransformParameters p = gen.GetRandomTransform((150, 150, 3), seed: 1);</code></example>
    public TransformParameters GetRandomTransform(Shape imageShape, int? seed = null)
    {
        ArgumentNullException.ThrowIfNull(imageShape);
        if (imageShape.Rank != 3) throw Check.Invalid(nameof(imageShape), imageShape.ToString(), "(height, width, channels)");
        if (seed is int s) return Draw(new Random(s), imageShape[0], imageShape[1]);
        lock (_random) return Draw(_random, imageShape[0], imageShape[1]);
    }

    /// <summary>
    /// Applies <paramref name="parameters"/> to one image [height, width, channels] or to every image of a batch
    /// [batch, height, width, channels], as Keras's <c>apply_transform</c> (no standardization).
    /// </summary>
    /// <example><code>Tensor flipped = gen.ApplyTransform(image, new TransformParameters { FlipHorizontal = true });</code></example>
    public Tensor ApplyTransform(Tensor x, TransformParameters parameters)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(parameters);
        bool single = x.dim() == 3;
        if (!single && x.dim() != 4) throw Check.Invalid(nameof(x), $"a tensor of shape ({string.Join(", ", x.shape)})", "an image [height, width, channels] or a batch [batch, height, width, channels]");
        using var scope = NewDisposeScope();
        var batch = single ? x.unsqueeze(0) : x;
        var input = batch.is_floating_point() ? batch : batch.to(ScalarType.Float32);
        var result = Apply(input, Enumerable.Repeat(parameters, (int)input.shape[0]).ToArray());
        return (single ? result.squeeze(0) : result).MoveToOuterDisposeScope();
    }

    /// <summary>A random transform of one image [height, width, channels], as Keras's <c>random_transform</c>.</summary>
    /// <example><code>Tensor augmented = gen.RandomTransform(image, seed: 3);</code></example>
    public Tensor RandomTransform(Tensor x, int? seed = null)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (x.dim() != 3) throw Check.Invalid(nameof(x), $"a tensor of shape ({string.Join(", ", x.shape)})", "one image [height, width, channels]");
        return ApplyTransform(x, GetRandomTransform(new Shape((int)x.shape[0], (int)x.shape[1], (int)x.shape[2]), seed));
    }

    /// <summary>
    /// Applies <see cref="PreprocessingFunction"/> then <see cref="Rescale"/> to a batch, as Keras's <c>standardize</c>.
    /// </summary>
    /// <example><code>Tensor ready = new ImageDataGenerator(rescale: 1 / 255.0).Standardize(batch);</code></example>
    public Tensor Standardize(Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        using var scope = NewDisposeScope();
        var result = x.is_floating_point() ? x : x.to(ScalarType.Float32);
        if (PreprocessingFunction is not null) result = PreprocessingFunction(result);
        if (Rescale is double r) result = result * r;
        return (ReferenceEquals(result, x) ? x.alias() : result).MoveToOuterDisposeScope();
    }

    /// <summary><see cref="Standardize"/> for a batch the pipeline owns: rescaling happens in place.</summary>
    Tensor StandardizeOwned(Tensor x)
    {
        using var scope = NewDisposeScope();
        var result = PreprocessingFunction is null ? x : PreprocessingFunction(x);
        if (Rescale is double r) result = ReferenceEquals(result, x) ? result.mul_(r) : result * r;
        return (ReferenceEquals(result, x) ? x.alias() : result).MoveToOuterDisposeScope();
    }

    /// <summary>Draws the transforms of a batch of <paramref name="count"/> images, in order, from <paramref name="random"/>.</summary>
    internal TransformParameters[] DrawTransforms(Random random, int count, int height, int width)
    {
        var result = new TransformParameters[count];
        for (int i = 0; i < count; i++) result[i] = Draw(random, height, width);
        return result;
    }

    /// <summary>
    /// Augments then standardizes a float batch with one drawn transform per sample; <paramref name="x"/> belongs to the
    /// caller and may be rescaled in place. With <paramref name="rescaled"/>, <paramref name="x"/> was already multiplied
    /// by <see cref="Rescale"/> (allowed when <see cref="RescalesFirst"/>).
    /// </summary>
    internal Tensor TransformBatch(Tensor x, IReadOnlyList<TransformParameters> parameters, bool rescaled = false)
    {
        using var scope = NewDisposeScope();
        var augmented = Apply(x, parameters);
        return (rescaled ? augmented : StandardizeOwned(augmented)).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Whether rescaling may happen first, fused with the conversion of decoded bytes to floats: true when every other
    /// step is linear in the pixel values (geometric warps with a zero fill) and nothing sees the unscaled values.
    /// </summary>
    internal bool RescalesFirst => Rescale is not null && PreprocessingFunction is null && BrightnessRange is null
        && ChannelShiftRange == 0 && (FillMode != FillMode.Constant || Cval == 0);

    TransformParameters Draw(Random random, int height, int width)
    {
        double Uniform(double lo, double hi) => lo + (hi - lo) * random.NextDouble();
        double Shift(double range, int size) => range < 1 ? Uniform(-range, range) * size : Uniform(-range, range);
        double theta = RotationRange > 0 ? Uniform(-RotationRange, RotationRange) : 0;
        double ty = HeightShiftRange > 0 ? Shift(HeightShiftRange, height) : 0;
        double tx = WidthShiftRange > 0 ? Shift(WidthShiftRange, width) : 0;
        double shear = ShearRange > 0 ? Uniform(-ShearRange, ShearRange) : 0;
        double zx = 1, zy = 1;
        if (!ZoomRange.IsIdentity)
        {
            zx = Uniform(ZoomRange.Lower, ZoomRange.Upper);
            zy = Uniform(ZoomRange.Lower, ZoomRange.Upper);
        }
        bool flipH = HorizontalFlip && random.NextDouble() < 0.5;
        bool flipV = VerticalFlip && random.NextDouble() < 0.5;
        double channelShift = ChannelShiftRange > 0 ? Uniform(-ChannelShiftRange, ChannelShiftRange) : 0;
        double? brightness = BrightnessRange is (double lo, double hi) ? Uniform(lo, hi) : null;
        return new TransformParameters
        {
            Theta = theta, Tx = tx, Ty = ty, Shear = shear, Zx = zx, Zy = zy, FlipHorizontal = flipH, FlipVertical = flipV,
            ChannelShiftIntensity = channelShift, Brightness = brightness,
        };
    }

    /// <summary>Keras's apply_transform for a batch: affine warp (flips folded in), channel shift, brightness.</summary>
    Tensor Apply(Tensor x, IReadOnlyList<TransformParameters> parameters)
    {
        using var scope = NewDisposeScope();
        var result = AffineWarp.Apply(x, parameters.Select(p => p.ToAffine()).ToArray(), FillMode, Cval, Interpolation);
        if (parameters.Any(p => p.ChannelShiftIntensity != 0))
        {
            var intensity = PerSample(parameters.Select(p => p.ChannelShiftIntensity), x.device);
            var lo = result.amin(new long[] { 1, 2, 3 }, keepdim: true);
            var hi = result.amax(new long[] { 1, 2, 3 }, keepdim: true);
            result = (result + intensity).maximum(lo).minimum(hi);
        }
        if (parameters.Any(p => p.Brightness is not null))
        {
            // Keras (via PIL): multiply, clip to 0–255; data outside 0–255 is first mapped to it by its min/max.
            var factor = PerSample(parameters.Select(p => p.Brightness ?? 1), x.device);
            var min = result.amin(new long[] { 1, 2, 3 }, keepdim: true);
            var max = result.amax(new long[] { 1, 2, 3 }, keepdim: true);
            var outside = min.lt(0).logical_or(max.gt(255));
            var lo = where(outside, min, zeros_like(min));
            var hi = where(outside, max, full_like(max, 255));
            result = lo + ((result - lo) * factor).maximum(zeros_like(lo)).minimum(hi - lo);
        }
        return result.MoveToOuterDisposeScope();
    }

    static Tensor PerSample(IEnumerable<double> values, Device device) =>
        tensor(values.Select(v => (float)v).ToArray(), device: device).view(-1, 1, 1, 1);
}
