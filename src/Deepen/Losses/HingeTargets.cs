using static TorchSharp.torch;

namespace Deepen.Losses;

/// <summary>Keras's <c>convert_binary_labels_to_hinge</c>: targets that are all 0/1 become −1/1; others stay.</summary>
internal static class HingeTargets
{
    public static Tensor Signed(Tensor y)
    {
        using var binary = (y.eq(0) | y.eq(1)).all();
        return binary.item<bool>() ? 2 * y - 1 : y;
    }
}
