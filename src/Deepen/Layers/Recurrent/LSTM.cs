using Deepen.Constraints;
using Deepen.Regularizers;
using Deepen.Utils;
using static TorchSharp.torch;

namespace Deepen.Layers;

/// <summary>
/// Long Short-Term Memory, as Keras's LSTM (Hochreiter &amp; Schmidhuber, 1997). With
/// <c>z = x_t·kernel + h_(t-1)·recurrent_kernel + bias</c> split into the gates i, f, c, o (Keras's and PyTorch's
/// order): <c>c_t = σ(f)·c_(t-1) + σ(i)·tanh(c)</c> and <c>h_t = σ(o)·tanh(c_t)</c>, where σ is
/// <c>recurrentActivation</c> and tanh is <c>activation</c>. The forget gate's bias starts at 1
/// (<c>unitForgetBias</c>). Input [batch, time, features]; output [batch, units], or [batch, time, units] with
/// <c>returnSequences</c>; <see cref="RecurrentLayer.CallWithState"/> also returns the final states [h, c].
/// Masked steps (e.g. from <c>Embedding(maskZero: true)</c>) leave the states unchanged.
/// </summary>
/// <example><code>
/// var model = new Sequential(
///     new Embedding(10000, 64, maskZero: true),
///     new LSTM(64),
///     new Dense(1, activation: "sigmoid"));
/// </code></example>
public sealed class LSTM : RecurrentLayer
{
    readonly Func<Tensor, Tensor> _recurrentActivation;

    /// <param name="units">Size of the output and of each state.</param>
    /// <param name="activation">Activation of the candidate and of the output; default "tanh".</param>
    /// <param name="recurrentActivation">Activation of the gates; default "sigmoid".</param>
    /// <param name="useBias">Whether to add a bias.</param>
    /// <param name="kernelInitializer">Initializer of the input kernel.</param>
    /// <param name="recurrentInitializer">Initializer of the recurrent kernel (default orthogonal).</param>
    /// <param name="biasInitializer">Initializer of the bias.</param>
    /// <param name="unitForgetBias">Start the forget gate's bias at 1 (Jozefowicz et al., 2015), as Keras does.</param>
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
    public LSTM(int units, string? activation = "tanh", string? recurrentActivation = "sigmoid", bool useBias = true,
        string kernelInitializer = "glorot_uniform", string recurrentInitializer = "orthogonal", string biasInitializer = "zeros",
        bool unitForgetBias = true, double dropout = 0, double recurrentDropout = 0, bool returnSequences = false,
        bool returnState = false, bool goBackwards = false, bool stateful = false, Regularizer? kernelRegularizer = null, Regularizer? recurrentRegularizer = null,
        Regularizer? biasRegularizer = null, Regularizer? activityRegularizer = null, Constraint? kernelConstraint = null,
        Constraint? recurrentConstraint = null, Constraint? biasConstraint = null, string? name = null, Shape? inputShape = null)
        : base(units, activation, useBias, kernelInitializer, recurrentInitializer, biasInitializer, dropout, recurrentDropout,
            returnSequences, returnState, goBackwards, name, inputShape, stateful,
            (kernelRegularizer, recurrentRegularizer, biasRegularizer, activityRegularizer), (kernelConstraint, recurrentConstraint, biasConstraint))
    {
        RecurrentActivation = Activations.Activations.Resolve(recurrentActivation, nameof(recurrentActivation));
        _recurrentActivation = Activations.Activations.Get(RecurrentActivation);
        UnitForgetBias = unitForgetBias;
    }

    /// <summary>The activation of the input, forget and output gates (Keras's <c>recurrent_activation</c>, default <c>"sigmoid"</c>).</summary>
    public string RecurrentActivation { get; }
    /// <summary>Whether the forget gate's bias starts at 1 instead of the bias initializer (Keras's <c>unit_forget_bias</c>, default true).</summary>
    public bool UnitForgetBias { get; }

    /// <inheritdoc/>
    protected override int Gates => 4;
    /// <inheritdoc/>
    protected override int StateCount => 2;

    /// <inheritdoc/>
    protected override void InitializeBias(Tensor bias)
    {
        if (UnitForgetBias) bias.narrow(0, Units, Units).fill_(1.0);
    }

    /// <inheritdoc/>
    protected override (Tensor Output, Tensor[] States) Step(Tensor projected, Tensor[] states, Tensor? recurrentMask)
    {
        var h = recurrentMask is null ? states[0] : states[0] * recurrentMask;
        var z = projected.addmm(h, RecurrentKernel.Value.t());
        // Few large ops beat many small ones at these sizes: the gate activation runs on all four blocks at once.
        var gates = _recurrentActivation(z).chunk(4, -1);
        var c = gates[1] * states[1] + gates[0] * ActivationFunction(z.narrow(-1, 2 * Units, Units));
        var next = gates[3] * ActivationFunction(c);
        return (next, new[] { next, c });
    }

    /// <inheritdoc/>
    public override LayerConfig GetConfig() => base.GetConfig()
        .Set("recurrent_activation", RecurrentActivation).Set("unit_forget_bias", UnitForgetBias);
}
