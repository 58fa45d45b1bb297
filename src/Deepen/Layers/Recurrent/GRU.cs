using Deepen.Constraints;
using Deepen.Regularizers;
using static TorchSharp.torch;

namespace Deepen.Layers;

/// <summary>
/// Gated Recurrent Unit, as Keras 3's GRU (Cho et al., 2014) with gates in Keras's order z (update), r (reset), h:
/// <c>z = σ(x·Kz + h·Rz + b)</c>, <c>r = σ(x·Kr + h·Rr + b)</c>, <c>ĥ = tanh(x·Kh + r ⊙ (h·Rh + b_rec))</c> with
/// <c>resetAfter</c> (the default, as in Keras 3 and cuDNN/PyTorch; the bias is then [2, 3 × units]: input and
/// recurrent biases), or <c>ĥ = tanh(x·Kh + (r ⊙ h)·Rh + b)</c> without; then <c>h_t = z ⊙ h_(t-1) + (1 - z) ⊙ ĥ</c>.
/// Input [batch, time, features]; output [batch, units], or [batch, time, units] with <c>returnSequences</c>.
/// </summary>
/// <example><code>new GRU(32, returnSequences: true)</code></example>
public sealed class GRU : RecurrentLayer
{
    readonly Func<Tensor, Tensor> _recurrentActivation;

    /// <param name="units">Size of the output and state.</param>
    /// <param name="activation">Activation of the candidate; default "tanh".</param>
    /// <param name="recurrentActivation">Activation of the gates; default "sigmoid".</param>
    /// <param name="useBias">Whether to add biases.</param>
    /// <param name="kernelInitializer">Initializer of the input kernel.</param>
    /// <param name="recurrentInitializer">Initializer of the recurrent kernel (default orthogonal).</param>
    /// <param name="biasInitializer">Initializer of the bias.</param>
    /// <param name="dropout">Fraction of input features dropped in training.</param>
    /// <param name="recurrentDropout">Fraction of state features dropped in training.</param>
    /// <param name="returnSequences">Return every step's output.</param>
    /// <param name="returnState">Keras's return_state: read the state with <see cref="RecurrentLayer.CallWithState"/>.</param>
    /// <param name="goBackwards">Process the sequence backwards.</param>
    /// <param name="resetAfter">Apply the reset gate after the recurrent product (Keras 3's default).</param>
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
    public GRU(int units, string? activation = "tanh", string? recurrentActivation = "sigmoid", bool useBias = true,
        string kernelInitializer = "glorot_uniform", string recurrentInitializer = "orthogonal", string biasInitializer = "zeros",
        double dropout = 0, double recurrentDropout = 0, bool returnSequences = false, bool returnState = false,
        bool goBackwards = false, bool resetAfter = true, bool stateful = false, Regularizer? kernelRegularizer = null, Regularizer? recurrentRegularizer = null,
        Regularizer? biasRegularizer = null, Regularizer? activityRegularizer = null, Constraint? kernelConstraint = null,
        Constraint? recurrentConstraint = null, Constraint? biasConstraint = null, string? name = null, Shape? inputShape = null)
        : base(units, activation, useBias, kernelInitializer, recurrentInitializer, biasInitializer, dropout, recurrentDropout,
            returnSequences, returnState, goBackwards, name, inputShape, stateful,
            (kernelRegularizer, recurrentRegularizer, biasRegularizer, activityRegularizer), (kernelConstraint, recurrentConstraint, biasConstraint))
    {
        RecurrentActivation = Activations.Activations.Resolve(recurrentActivation, nameof(recurrentActivation));
        _recurrentActivation = Activations.Activations.Get(RecurrentActivation);
        ResetAfter = resetAfter;
    }

    /// <summary>The activation of the update and reset gates (Keras's <c>recurrent_activation</c>, default <c>"sigmoid"</c>).</summary>
    public string RecurrentActivation { get; }
    /// <summary>Whether the reset gate is applied after the recurrent product, with separate input and recurrent biases
    /// (Keras 3's <c>reset_after</c>, default true, the cuDNN/PyTorch convention).</summary>
    public bool ResetAfter { get; }

    /// <inheritdoc/>
    protected override int Gates => 3;
    /// <inheritdoc/>
    protected override int StateCount => 1;
    /// <inheritdoc/>
    protected override long[] BiasShape => ResetAfter ? new long[] { 2, 3 * Units } : new long[] { 3 * Units };

    /// <inheritdoc/>
    protected override Tensor ProjectInputs(Tensor x) =>
        nn.functional.linear(x, Kernel.Value, Bias is null ? null : ResetAfter ? Bias.Value[0] : Bias.Value);

    /// <inheritdoc/>
    protected override (Tensor Output, Tensor[] States) Step(Tensor projected, Tensor[] states, Tensor? recurrentMask)
    {
        var hPrev = states[0];
        var h = recurrentMask is null ? hPrev : hPrev * recurrentMask;
        var x = projected.chunk(3, -1);
        Tensor z, r, candidate;
        if (ResetAfter)
        {
            var inner = nn.functional.linear(h, RecurrentKernel.Value, Bias?.Value[1]).chunk(3, -1);
            z = _recurrentActivation(x[0] + inner[0]);
            r = _recurrentActivation(x[1] + inner[1]);
            candidate = ActivationFunction(x[2] + r * inner[2]);
        }
        else
        {
            var kernels = RecurrentKernel.Value.split(new long[] { 2 * Units, Units }, 0);
            var inner = nn.functional.linear(h, kernels[0]).chunk(2, -1);
            z = _recurrentActivation(x[0] + inner[0]);
            r = _recurrentActivation(x[1] + inner[1]);
            candidate = ActivationFunction(x[2] + nn.functional.linear(r * h, kernels[1]));
        }
        var next = z * hPrev + (1 - z) * candidate;
        return (next, new[] { next });
    }

    /// <inheritdoc/>
    public override LayerConfig GetConfig() => base.GetConfig()
        .Set("recurrent_activation", RecurrentActivation).Set("reset_after", ResetAfter);
}
