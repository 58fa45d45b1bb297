using Deepen.Utils;

namespace Deepen.Layers;

/// <summary>Keras's "valid" and "same" padding arithmetic for one spatial axis.</summary>
internal static class Padding
{
    public static string Resolve(string padding) => Check.OneOf(padding, "padding", "valid", "same");

    /// <summary>Output length of a window of <paramref name="kernel"/> moved by <paramref name="stride"/>.</summary>
    public static int OutputLength(int input, int kernel, int stride, string padding) => padding == "same"
        ? (input + stride - 1) / stride
        : Math.Max(0, (input - kernel) / stride + 1);

    /// <summary>Zeros to add before and after for "same" (the extra one goes after, as in TensorFlow/Keras).</summary>
    public static (long Before, long After) Same(int input, int kernel, int stride)
    {
        int output = (input + stride - 1) / stride;
        int total = Math.Max((output - 1) * stride + kernel - input, 0);
        return (total / 2, total - total / 2);
    }

    /// <summary>Checks that a window fits the input under "valid" padding.</summary>
    public static void CheckFits(string layer, Shape input, Size2 kernel, string padding)
    {
        if (padding == "valid" && (input[0] < kernel.Rows || input[1] < kernel.Cols))
            throw new ArgumentException(
                $"Layer \"{layer}\": the window {kernel} is larger than the input {input.ToBatchString()} with padding=\"valid\". Use a smaller kernel/pool, padding=\"same\", or a larger input.");
    }

    /// <summary>The window a kernel of <paramref name="kernel"/> covers with <paramref name="dilation"/>: (k − 1)·d + 1 per axis.</summary>
    public static Size2 Dilated(Size2 kernel, Size2 dilation) =>
        new((kernel.Rows - 1) * dilation.Rows + 1, (kernel.Cols - 1) * dilation.Cols + 1);

    /// <summary>Keras's rule for 2-D convolutions: strides above 1 and a dilation above 1 cannot be combined.</summary>
    public static void CheckStridesWithDilation(Size2 strides, Size2 dilation)
    {
        if (Math.Max(strides.Rows, strides.Cols) > 1 && Math.Max(dilation.Rows, dilation.Cols) > 1)
            throw new ArgumentException(
                $"`strides > 1` not supported in conjunction with `dilation_rate > 1`. Received: strides={strides} and dilation_rate={dilation}", "strides");
    }
}
