using static TorchSharp.torch;

namespace Deepen;

/// <summary>
/// How a weight stored in LibTorch's layout maps to Keras's layout, for <c>GetWeights</c>/<c>SetWeights</c>:
/// Dense and recurrent kernels are stored (out, in) and Keras keeps (in, out); convolution kernels are stored
/// (out, in, k…) and Keras keeps (k…, in, out) (keras/src/layers/convolutional/base_conv.py); MultiHeadAttention's
/// kernels are Keras's EinsumDense kernels (in, heads, dim) and (heads, dim, out).
/// </summary>
internal sealed class KerasWeightLayout
{
    readonly Func<Tensor, Tensor> _toKeras;
    readonly Func<Tensor, long[], Tensor> _fromKeras;

    KerasWeightLayout(Func<Tensor, Tensor> toKeras, Func<Tensor, long[], Tensor> fromKeras)
    {
        _toKeras = toKeras;
        _fromKeras = fromKeras;
    }

    /// <summary>The same in both (biases, normalization vectors, embeddings).</summary>
    public static readonly KerasWeightLayout Same = new(t => t, (k, _) => k);

    /// <summary>A 2-D kernel stored (out, in), Keras (in, out).</summary>
    public static readonly KerasWeightLayout Transposed = new(t => t.t(), (k, _) => k.t());

    /// <summary>A convolution kernel stored (out, in, k…), Keras (k…, in, out).</summary>
    public static readonly KerasWeightLayout Convolution = new(
        t => t.permute(Enumerable.Range(2, (int)t.dim() - 2).Select(i => (long)i).Append(1).Append(0).ToArray()),
        (k, _) => k.permute(new long[] { k.dim() - 1, k.dim() - 2 }.Concat(Enumerable.Range(0, (int)k.dim() - 2).Select(i => (long)i)).ToArray()));

    /// <summary>A transposed-convolution kernel stored (in, out, k…), Keras (k…, out, in).</summary>
    public static readonly KerasWeightLayout TransposedConvolution = Convolution;

    /// <summary>A depthwise kernel stored (in·multiplier, 1, kh, kw) (LibTorch's grouped convolution), Keras (kh, kw, in, multiplier).</summary>
    public static KerasWeightLayout Depthwise(int multiplier) => new(
        t => t.reshape(t.shape[0] / multiplier, multiplier, t.shape[2], t.shape[3]).permute(2, 3, 0, 1),
        (k, stored) => k.permute(2, 3, 0, 1).reshape(stored));

    /// <summary>An input projection stored (heads·dim, in), Keras (in, heads, dim).</summary>
    public static KerasWeightLayout HeadsIn(int heads) => new(t => t.t().reshape(t.shape[1], heads, t.shape[0] / heads),
        (k, torch) => k.reshape(torch[1], torch[0]).t());

    /// <summary>An output projection stored (out, heads·dim), Keras (heads, dim, out).</summary>
    public static KerasWeightLayout HeadsOut(int heads) => new(t => t.t().reshape(heads, t.shape[1] / heads, t.shape[0]),
        (k, torch) => k.reshape(torch[1], torch[0]).t());

    /// <summary>A bias stored (heads·dim), Keras (heads, dim).</summary>
    public static KerasWeightLayout HeadsBias(int heads) => new(t => t.reshape(heads, t.shape[0] / heads), (k, torch) => k.reshape(torch));

    /// <summary>A view of <paramref name="stored"/> in Keras's layout.</summary>
    public Tensor ToKeras(Tensor stored) => _toKeras(stored);

    /// <summary>A view of a Keras-layout tensor in the stored layout of shape <paramref name="storedShape"/>.</summary>
    public Tensor FromKeras(Tensor keras, long[] storedShape) => _fromKeras(keras, storedShape);
}
