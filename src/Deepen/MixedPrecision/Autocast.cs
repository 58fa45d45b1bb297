using static TorchSharp.torch;

namespace Deepen.MixedPrecision;

/// <summary>
/// The compute dtype in effect on this thread while a model runs under a mixed policy (TorchSharp has no
/// <c>torch.autocast</c>). Layers that do the heavy arithmetic (Conv2D, Dense) cast their inputs and weights with
/// <see cref="Cast"/>; the cast of a float32 weight is differentiable, so gradients reach the float32 master copy.
/// Numerically sensitive layers (BatchNormalization, the loss) compute in float32 with <see cref="ToFloat32"/>.
/// </summary>
internal static class Autocast
{
    [ThreadStatic] static ScalarType? _dtype;

    /// <summary>The lower-precision dtype in effect, or null outside a mixed-precision forward pass.</summary>
    public static ScalarType? Dtype => _dtype;

    /// <summary>Runs the enclosed code in <paramref name="policy"/>'s compute dtype (nothing for float32).</summary>
    public static Scope Enter(DTypePolicy policy) => new(policy.IsMixed ? policy.ComputeDtype : null);

    /// <summary><paramref name="t"/> in the compute dtype when one is in effect and it is a float tensor of another dtype; else itself.</summary>
    public static Tensor Cast(Tensor t) =>
        _dtype is ScalarType d && t.dtype != d && t.is_floating_point() ? t.to(d) : t;

    /// <summary><paramref name="t"/> as float32 if it is a float tensor of another dtype; else itself.</summary>
    public static Tensor ToFloat32(Tensor t) =>
        t.dtype != ScalarType.Float32 && t.is_floating_point() ? t.to(ScalarType.Float32) : t;

    /// <summary>Restores the previous dtype when disposed.</summary>
    public readonly struct Scope : IDisposable
    {
        readonly ScalarType? _previous;

        internal Scope(ScalarType? dtype)
        {
            _previous = _dtype;
            _dtype = dtype;
        }

        /// <inheritdoc/>
        public void Dispose() => _dtype = _previous;
    }
}
