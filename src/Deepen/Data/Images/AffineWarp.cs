using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Deepen.Data.Images;

/// <summary>
/// Batched geometric warps of channels-last images: one <see cref="Affine2D"/> per sample, applied with
/// <c>affine_grid</c> + <c>grid_sample</c> in one call for the whole batch (so it runs on any device). Shared by
/// <see cref="ImageDataGenerator"/> and the Random* preprocessing layers.
/// </summary>
internal static class AffineWarp
{
    /// <summary>
    /// Warps <paramref name="images"/> [batch, height, width, channels] (float) with one map per sample. Flip-only
    /// batches take an exact path without interpolation.
    /// </summary>
    public static Tensor Apply(Tensor images, IReadOnlyList<Affine2D> maps, FillMode fill, double fillValue, Interpolation interpolation)
    {
        if (images.dim() != 4) throw new ArgumentException($"Expected images of shape [batch, height, width, channels], received a tensor of shape ({string.Join(", ", images.shape)}).", nameof(images));
        int n = (int)images.shape[0], h = (int)images.shape[1], w = (int)images.shape[2];
        if (maps.Count != n) throw new ArgumentException($"Expected {n} transforms, one per sample, received {maps.Count}.", nameof(maps));
        if (maps.All(m => m.IsIdentity)) return images.alias();
        if (maps.All(m => m.IsFlipOnly)) return Flip(images, maps);

        var mode = interpolation switch
        {
            Interpolation.Nearest => GridSampleMode.Nearest,
            Interpolation.Bilinear => GridSampleMode.Bilinear,
            _ => throw Utils.Check.Invalid("interpolation", EnumText.ToKeras(interpolation), "\"nearest\" or \"bilinear\" for geometric transforms"),
        };
        var theta = new float[n * 6];
        for (int i = 0; i < n; i++) maps[i].WriteTheta(theta.AsSpan(i * 6, 6), h, w);

        using var scope = NewDisposeScope();
        var input = images.permute(0, 3, 1, 2);                                  // NCHW view
        var grid = SamplingGrid(theta, n, h, w, images.device);
        Tensor output = fill switch
        {
            FillMode.Nearest => F.grid_sample(input, grid, mode, GridSamplePaddingMode.Border, align_corners: false),
            FillMode.Reflect => F.grid_sample(input, grid, mode, GridSamplePaddingMode.Reflection, align_corners: false),
            FillMode.Constant when fillValue == 0 => F.grid_sample(input, grid, mode, GridSamplePaddingMode.Zeros, align_corners: false),
            FillMode.Constant => F.grid_sample(input - fillValue, grid, mode, GridSamplePaddingMode.Zeros, align_corners: false) + fillValue,
            FillMode.Wrap => Wrap(input, grid, mode, h, w),
            _ => throw new ArgumentOutOfRangeException(nameof(fill)),
        };
        return output.permute(0, 2, 3, 1).contiguous().MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The [n, h, w, 2] grid <c>affine_grid(theta, align_corners: false)</c> would build, computed as the broadcast sum
    /// of a per-column and a per-row term (one full-size operation; LibTorch's affine_grid, a batched matrix product
    /// with an inner size of 3, takes several times longer on the CPU).
    /// </summary>
    static Tensor SamplingGrid(float[] theta, int n, int h, int w, Device device)
    {
        var t = tensor(theta, new long[] { n, 1, 1, 2, 3 }, device: device);      // rows (x', y') of each 2x3 matrix
        var xs = linspace(-1 + 1.0 / w, 1 - 1.0 / w, w, device: device).view(1, 1, w, 1);
        var ys = linspace(-1 + 1.0 / h, 1 - 1.0 / h, h, device: device).view(1, h, 1, 1);
        var columns = xs * t[.., .., .., .., 0] + t[.., .., .., .., 2];           // [n, 1, w, 2]
        var rows = ys * t[.., .., .., .., 1];                                      // [n, h, 1, 2]
        return columns + rows;
    }

    /// <summary>
    /// Tiles the image: grid coordinates are wrapped into [-1, 1) and sampled from a copy padded circularly by one
    /// pixel, so bilinear interpolation across the seam blends the opposite edges as "wrap" requires.
    /// </summary>
    static Tensor Wrap(Tensor input, Tensor grid, GridSampleMode mode, int h, int w)
    {
        var padded = F.pad(input.contiguous(), new long[] { 1, 1, 1, 1 }, PaddingModes.Circular);
        var wrapped = (grid + 1).remainder(2.0);                                  // in [0, 2)
        var size = tensor(new float[] { w, h }, device: grid.device);
        var remapped = (wrapped * size + 2) / (size + 2) - 1;                    // pixel u → u + 1 in the padded image
        return F.grid_sample(padded, remapped, mode, GridSamplePaddingMode.Border, align_corners: false);
    }

    static Tensor Flip(Tensor images, IReadOnlyList<Affine2D> maps)
    {
        using var scope = NewDisposeScope();
        var result = images;
        bool[] h = maps.Select(m => m.A < 0).ToArray(), v = maps.Select(m => m.E < 0).ToArray();
        if (h.Any(b => b)) result = Select(h, result.flip(2), result);
        if (v.Any(b => b)) result = Select(v, result.flip(1), result);
        return (ReferenceEquals(result, images) ? images.alias() : result).MoveToOuterDisposeScope();
    }

    /// <summary>Per sample: <paramref name="ifTrue"/> where <paramref name="mask"/> is set, else <paramref name="ifFalse"/>.</summary>
    internal static Tensor Select(bool[] mask, Tensor ifTrue, Tensor ifFalse)
    {
        var m = tensor(mask, device: ifTrue.device).view(-1, 1, 1, 1);
        return where(m, ifTrue, ifFalse);
    }
}
