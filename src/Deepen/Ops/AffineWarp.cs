using Deepen.Utils;
using System.Runtime.CompilerServices;
using System.Numerics;
using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Deepen.Ops;

/// <summary>
/// Batched geometric warps of channels-last images: one <see cref="Affine2D"/> per sample, applied with
/// <c>affine_grid</c> + <c>grid_sample</c> in one call for the whole batch (so it runs on any device). Shared by
/// <see cref="Data.Images.ImageDataGenerator"/> and the Random* preprocessing layers.
/// </summary>
internal static class AffineWarp
{
    /// <summary>
    /// Warps <paramref name="images"/> [batch, height, width, channels] (float) with one map per sample. Flip-only
    /// batches take an exact path without interpolation. The result is contiguous channels-last.
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
        // Channels-last memory, like the unaugmented batches: a channels-first view here would make every convolution
        // of the model run in LibTorch's slower NCHW kernels (measured: 15 % slower training of the seed CNN).
        return output.permute(0, 2, 3, 1).contiguous().MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The [n, h, w, 2] grid <c>affine_grid(theta, align_corners: false)</c> would build. On the CPU it is written
    /// directly into the tensor with SIMD arithmetic (LibTorch's affine_grid, a batched product with an inner size of 3,
    /// and broadcast tensor arithmetic over a last dimension of 2 both take several times longer); elsewhere it is a
    /// broadcast sum of a per-column and a per-row term.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]    // per-pixel loop: optimized from the first batch
    static Tensor SamplingGrid(float[] theta, int n, int h, int w, Device device)
    {
        if (device.type != DeviceType.CPU)
        {
            var t = tensor(theta, new long[] { n, 1, 1, 2, 3 }, device: device);  // rows (x', y') of each 2x3 matrix
            var xs = linspace(-1 + 1.0 / w, 1 - 1.0 / w, w, device: device).view(1, 1, w, 1);
            var ys = linspace(-1 + 1.0 / h, 1 - 1.0 / h, h, device: device).view(1, h, 1, 1);
            return xs * t[.., .., .., .., 0] + t[.., .., .., .., 2] + ys * t[.., .., .., .., 1];
        }
        var grid = empty(new long[] { n, h, w, 2 }, ScalarType.Float32);
        var output = MemoryMarshal.Cast<byte, float>(grid.bytes);
        var xx = new float[2 * w];                                                // x of each column, twice: (x0, x0, x1, x1, …)
        for (int j = 0; j < w; j++) xx[2 * j] = xx[2 * j + 1] = (2 * j + 1f) / w - 1;
        var scale = new float[2 * w];
        var offset = new float[2 * w];
        for (int b = 0; b < n; b++)
        {
            ReadOnlySpan<float> m = theta.AsSpan(6 * b, 6);
            for (int j = 0; j < w; j++) { scale[2 * j] = m[0]; scale[2 * j + 1] = m[3]; }
            for (int i = 0; i < h; i++)
            {
                float y = (2 * i + 1f) / h - 1, ox = m[1] * y + m[2], oy = m[4] * y + m[5];
                for (int j = 0; j < w; j++) { offset[2 * j] = ox; offset[2 * j + 1] = oy; }
                MultiplyAdd(scale, xx, offset, output.Slice((b * h + i) * 2 * w, 2 * w));   // (x', y') = (a, d)·x + (b·y + c, e·y + f)
            }
        }
        return grid;
    }

    /// <summary>destination = a · b + c, element-wise, with <see cref="Vector{T}"/> lanes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void MultiplyAdd(ReadOnlySpan<float> a, ReadOnlySpan<float> b, ReadOnlySpan<float> c, Span<float> destination)
    {
        int i = 0, lanes = Vector<float>.Count;
        for (; i <= destination.Length - lanes; i += lanes)
            (new Vector<float>(a[i..]) * new Vector<float>(b[i..]) + new Vector<float>(c[i..])).CopyTo(destination[i..]);
        for (; i < destination.Length; i++) destination[i] = a[i] * b[i] + c[i];
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
