using Deepen.Constraints;
using Deepen.Regularizers;
using static TorchSharp.torch;

namespace Deepen.Layers;

/// <summary>
/// A fully connected recurrent layer, as Keras's SimpleRNN: <c>h_t = activation(x_t·kernel + h_(t-1)·recurrent_kernel + bias)</c>;
/// the output is h. Input [batch, time, features]; output [batch, units], or [batch, time, units] with
/// <c>returnSequences</c>. Masking, dropout and goBackwards as described on <see cref="RecurrentLayer"/>.
/// </summary>
/// <example><code>new SimpleRNN(32, returnSequences: true, inputShape: (20, 8))</code></example>
public sealed class SimpleRNN : RecurrentLayer
{
    /// <param name="units">Size of the output and state.</param>
    /// <param name="activation">Activation name; default "tanh".</param>
    /// <param name="useBias">Whether to add a bias.</param>
    /// <param name="kernelInitializer">Initializer of the input kernel.</param>
    /// <param name="recurrentInitializer">Initializer of the recurrent kernel (default orthogonal).</param>
    /// <param name="biasInitializer">Initializer of the bias.</param>
    /// <param name="dropout">Fraction of input features dropped in training.</param>
    /// <param name="recurrentDropout">Fraction of state features dropped in training.</param>
    /// <param name="returnSequences">Return every step's output.</param>
    /// <param name="returnState">Keras's return_state: read the states with <see cref="RecurrentLayer.CallWithState"/>.</param>
    /// <param name="goBackwards">Process the sequence backwards.</param>
    /// <param name="stateful">Carry the final states of each batch into the next (Keras's <c>stateful</c>; see <see cref="RecurrentLayer.Stateful"/>).</param>
    /// <param name="kernelRegularizer">The input kernel's penalty in the loss, or null.</param>
    /// <param name="recurrentRegularizer">The recurrent kernel's penalty in the loss, or null.</param>
    /// <param name="biasRegularizer">The bias's penalty in the loss, or null.</param>
    /// <param name="activityRegularizer">The output's penalty in the loss (divided by the batch size), or null.</param>
    /// <param name="kernelConstraint">The input kernel's projection after each optimizer step, or null.</param>
    /// <param name="recurrentConstraint">The recurrent kernel's projection after each optimizer step, or null.</param>
    /// <param name="biasConstraint">The bias's projection after each optimizer step, or null.</param>
    /// <param name="name">Layer name.</param>
    /// <param name="inputShape">(time, features), for the first layer of a model.</param>
    public SimpleRNN(int units, string? activation = "tanh", bool useBias = true, string kernelInitializer = "glorot_uniform",
        string recurrentInitializer = "orthogonal", string biasInitializer = "zeros", double dropout = 0, double recurrentDropout = 0,
        bool returnSequences = false, bool returnState = false, bool goBackwards = false, bool stateful = false, Regularizer? kernelRegularizer = null, Regularizer? recurrentRegularizer = null,
        Regularizer? biasRegularizer = null, Regularizer? activityRegularizer = null, Constraint? kernelConstraint = null,
        Constraint? recurrentConstraint = null, Constraint? biasConstraint = null, string? name = null, Shape? inputShape = null)
        : base(units, activation, useBias, kernelInitializer, recurrentInitializer, biasInitializer, dropout, recurrentDropout,
            returnSequences, returnState, goBackwards, name, inputShape, stateful,
            (kernelRegularizer, recurrentRegularizer, biasRegularizer, activityRegularizer), (kernelConstraint, recurrentConstraint, biasConstraint))
    {
    }

    /// <inheritdoc/>
    protected override int Gates => 1;
    /// <inheritdoc/>
    protected override int StateCount => 1;

    /// <inheritdoc/>
    protected override (Tensor Output, Tensor[] States) Step(Tensor projected, Tensor[] states, Tensor? recurrentMask)
    {
        var h = recurrentMask is null ? states[0] : states[0] * recurrentMask;
        var next = ActivationFunction(projected.addmm(h, RecurrentKernel.Value.t()));
        return (next, new[] { next });
    }
}
