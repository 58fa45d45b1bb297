using static TorchSharp.torch;

namespace Deepen.Layers;

/// <summary>
/// What <see cref="RecurrentLayer.CallWithState"/> returns: the layer's output (the last output, or the whole sequence
/// with <c>returnSequences</c>) and its final states, as Keras returns <c>[output, *states]</c> with
/// <c>return_state=True</c>: <c>[h]</c> for SimpleRNN and GRU, <c>[h, c]</c> for LSTM. The caller owns the tensors.
/// </summary>
/// <param name="Output">[batch, units], or [batch, time, units] with returnSequences.</param>
/// <param name="States">The final states, each [batch, units].</param>
public sealed record RecurrentOutput(Tensor Output, IReadOnlyList<Tensor> States);
