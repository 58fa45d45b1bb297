using Deepen.Constraints;
using Deepen.Regularizers;
using Deepen.Utils;
using static TorchSharp.torch;

namespace Deepen.Layers;

/// <summary>
/// The shared work of <see cref="SimpleRNN"/>, <see cref="LSTM"/> and <see cref="GRU"/> (Keras's <c>RNN</c> base):
/// inputs [batch, time, features] are projected by the kernel in one matrix product, then a cell steps through time.
/// Weights use Keras's names and meaning — <c>kernel</c> (features → gates × units), <c>recurrent_kernel</c>
/// (units → gates × units), <c>bias</c> — stored transposed, as TorchSharp's layout ([gates × units, features]).
/// <para>Masking follows Keras: at a masked step the states are carried through unchanged and the output repeats the
/// previous output (zeros before the first real step), so padding never changes the final output.
/// <c>goBackwards</c> processes the sequence from the end and, with <c>returnSequences</c>, returns the outputs in
/// that reversed order, as Keras does. <c>dropout</c> and <c>recurrentDropout</c> drop input and state features
/// with one mask per sequence (Keras's variational dropout). With <c>stateful</c> the final states of each batch are the
/// initial states of the next (sample i of a batch continues sample i of the previous batch; see <see cref="Stateful"/>).
/// Not supported: <c>unroll</c> (the loop is always a step loop), constants and nested cells.</para>
/// <para>Autograd differentiates the composed steps; no hand-written backward pass is involved.</para>
/// </summary>
public abstract class RecurrentLayer : Layer
{
    readonly Func<Tensor, Tensor> _activation;
    Weight? _kernel, _recurrentKernel, _bias;
    Tensor[]? _states;                                                  // stateful: the last batch's final states, detached

    /// <summary>Stores the arguments common to all recurrent layers (see the concrete layers for their meaning).</summary>
    protected RecurrentLayer(int units, string? activation, bool useBias, string kernelInitializer,
        string recurrentInitializer, string biasInitializer, double dropout, double recurrentDropout,
        bool returnSequences, bool returnState, bool goBackwards, string? name, Shape? inputShape, bool stateful = false,
        (Regularizer? Kernel, Regularizer? Recurrent, Regularizer? Bias, Regularizer? Activity) regularizers = default,
        (Constraint? Kernel, Constraint? Recurrent, Constraint? Bias) constraints = default) : base(name, inputShape)
    {
        Stateful = stateful;
        KernelRegularizer = regularizers.Kernel;
        RecurrentRegularizer = regularizers.Recurrent;
        BiasRegularizer = regularizers.Bias;
        ActivityRegularizer = regularizers.Activity;
        KernelConstraint = constraints.Kernel;
        RecurrentConstraint = constraints.Recurrent;
        BiasConstraint = constraints.Bias;
        Units = Check.Positive(units, nameof(units));
        Activation = Activations.Activations.Resolve(activation);
        _activation = Activations.Activations.Get(Activation);
        UseBias = useBias;
        KernelInitializer = Initializers.Resolve(kernelInitializer, nameof(kernelInitializer));
        RecurrentInitializer = Initializers.Resolve(recurrentInitializer, nameof(recurrentInitializer));
        BiasInitializer = Initializers.Resolve(biasInitializer, nameof(biasInitializer));
        Dropout = Check.Fraction(dropout, nameof(dropout));
        RecurrentDropout = Check.Fraction(recurrentDropout, nameof(recurrentDropout));
        ReturnSequences = returnSequences;
        ReturnState = returnState;
        GoBackwards = goBackwards;
    }

    /// <summary>The size of the output and of each state.</summary>
    public int Units { get; }
    /// <summary>The activation of the output (and of LSTM's/GRU's candidate); default "tanh".</summary>
    public string Activation { get; }
    /// <summary>Whether the layer has a bias (Keras's <c>use_bias</c>, default true).</summary>
    public bool UseBias { get; }
    /// <summary>The initializer name of the input kernel (Keras's <c>kernel_initializer</c>, default <c>"glorot_uniform"</c>).</summary>
    public string KernelInitializer { get; }
    /// <summary>The initializer name of the recurrent kernel (Keras's <c>recurrent_initializer</c>, default <c>"orthogonal"</c>).</summary>
    public string RecurrentInitializer { get; }
    /// <summary>The initializer name of the bias (Keras's <c>bias_initializer</c>, default <c>"zeros"</c>).</summary>
    public string BiasInitializer { get; }
    /// <summary>Fraction of input features dropped during training (one mask per sequence).</summary>
    public double Dropout { get; }
    /// <summary>Fraction of state features dropped before the recurrent product during training.</summary>
    public double RecurrentDropout { get; }
    /// <summary>Return the output of every step ([batch, time, units]) instead of the last ([batch, units]).</summary>
    public bool ReturnSequences { get; }
    /// <summary>
    /// Keras's <c>return_state</c>. <see cref="Layer.Call(Tensor, bool)"/> returns one tensor, so the states are read with
    /// <see cref="CallWithState"/>; inside a Sequential model only the output flows on. Kept in the config.
    /// </summary>
    public bool ReturnState { get; }
    /// <summary>Process the sequence backwards (and return the reversed sequence).</summary>
    public bool GoBackwards { get; }

    /// <summary>
    /// Keras's <c>stateful</c>: each call starts from the final states of the previous call (detached: gradients do not
    /// flow across batches), so sample i of a batch continues sample i of the previous batch. As in Keras, every batch
    /// must then have the same size (the first call fixes it; another size throws, naming both), and the data must not be
    /// shuffled: <c>Fit</c> refuses <c>shuffle: true</c> for a model with a stateful layer (Keras leaves that to the
    /// user). <see cref="ResetStates"/> starts over from zeros (and frees the batch size). Validation and prediction
    /// batches run through the same states, as in Keras.
    /// </summary>
    public bool Stateful { get; }
    /// <summary>The input kernel's penalty in the loss, or null.</summary>
    public Regularizer? KernelRegularizer { get; }
    /// <summary>The recurrent kernel's penalty in the loss, or null.</summary>
    public Regularizer? RecurrentRegularizer { get; }
    /// <summary>The bias's penalty in the loss, or null.</summary>
    public Regularizer? BiasRegularizer { get; }
    /// <summary>The input kernel's constraint, or null.</summary>
    public Constraint? KernelConstraint { get; }
    /// <summary>The recurrent kernel's constraint, or null.</summary>
    public Constraint? RecurrentConstraint { get; }
    /// <summary>The bias's constraint, or null.</summary>
    public Constraint? BiasConstraint { get; }

    /// <summary>
    /// Clears a stateful layer's states (Keras's <c>reset_state()</c> / <c>reset_states()</c>): the next call starts from
    /// zeros, with any batch size.
    /// </summary>
    /// <example><code>
    /// for (int epoch = 0; epoch &lt; 10; epoch++) { model.Fit(x, y, batchSize: 8, epochs: 1, shuffle: false); lstm.ResetStates(); }
    /// </code></example>
    public void ResetStates()
    {
        foreach (var s in _states ?? Array.Empty<Tensor>()) s.Dispose();
        _states = null;
    }

    /// <summary>A stateful layer's current states (copies; LSTM: h then c), or null before the first call or after a reset.</summary>
    public IReadOnlyList<Tensor>? States => _states?.Select(s => s.clone()).ToArray();

    /// <summary>
    /// When true, masked steps output zeros instead of repeating the previous output (Keras's
    /// <c>zero_output_for_mask</c>; <see cref="Bidirectional"/> sets it for returnSequences).
    /// </summary>
    internal bool ZeroOutputForMask { get; set; }

    /// <summary>The number of gate blocks in the kernels: 1 (SimpleRNN), 4 (LSTM), 3 (GRU).</summary>
    protected abstract int Gates { get; }
    /// <summary>The number of states: 1, or 2 for LSTM (h and c).</summary>
    protected abstract int StateCount { get; }
    /// <summary>The bias shape in torch layout; GRU with resetAfter keeps separate input and recurrent biases.</summary>
    protected virtual long[] BiasShape => new long[] { Gates * Units };
    /// <summary>The output activation function.</summary>
    protected Func<Tensor, Tensor> ActivationFunction => _activation;

    /// <summary>Keras's kernel (features → gates × units), stored as [gates × units, features].</summary>
    public Weight Kernel => _kernel ?? throw NotBuilt();
    /// <summary>Keras's recurrent_kernel (units → gates × units), stored as [gates × units, units].</summary>
    public Weight RecurrentKernel => _recurrentKernel ?? throw NotBuilt();
    /// <summary>The bias, or null without <see cref="UseBias"/>.</summary>
    public Weight? Bias => _bias;

    InvalidOperationException NotBuilt() => new($"Layer \"{Name}\" is not built yet.");

    /// <inheritdoc/>
    protected override int? ExpectedInputRank => 2;

    /// <inheritdoc/>
    protected override void OnBuild(Shape inputShape)
    {
        int features = inputShape[1], width = Gates * Units;
        _kernel = AddWeight("kernel", new long[] { width, features }, KernelInitializer, features, width,
            regularizer: KernelRegularizer, constraint: KernelConstraint);
        _recurrentKernel = AddWeight("recurrent_kernel", new long[] { width, Units }, RecurrentInitializer, Units, width,
            regularizer: RecurrentRegularizer, constraint: RecurrentConstraint);
        _kernel.Layout = _recurrentKernel.Layout = KerasWeightLayout.Transposed; // Keras: (features, gates·units), (units, gates·units)
        if (UseBias)
        {
            _bias = AddWeight("bias", BiasShape, BiasInitializer, features, width, regularizer: BiasRegularizer, constraint: BiasConstraint);
            using var _ = no_grad();
            InitializeBias(_bias.Value);
        }
    }

    /// <summary>Adjusts the freshly initialized bias (LSTM's unit forget bias).</summary>
    protected virtual void InitializeBias(Tensor bias) { }

    /// <inheritdoc/>
    public override Shape ComputeOutputShape(Shape inputShape) =>
        ReturnSequences ? new Shape(inputShape[0], Units) : new Shape(Units);

    /// <summary>The mask flows on with returnSequences (the output keeps the time axis); otherwise it ends here.</summary>
    public override Tensor? ComputeMask(Tensor inputs, Tensor? mask) => ReturnSequences ? mask : null;

    /// <inheritdoc/>
    public override Tensor Call(Tensor inputs, bool training = false) => Call(inputs, null, training);

    /// <inheritdoc/>
    public override Tensor Call(Tensor inputs, Tensor? mask, bool training)
    {
        var result = CallWithState(inputs, mask, null, training);
        foreach (var s in result.States) s.Dispose();
        return result.Output;
    }

    /// <summary>
    /// Runs the layer and returns its output together with its final states (Keras's <c>return_state=True</c>, for
    /// encoder–decoder models). An initial state can be given (Keras's <c>initial_state</c>).
    /// </summary>
    /// <param name="inputs">[batch, time, features].</param>
    /// <param name="mask">Optional boolean [batch, time], true for real steps.</param>
    /// <param name="initialState">Optional states, each [batch, units] (LSTM: h then c); zeros by default.</param>
    /// <param name="training">Whether dropout is active.</param>
    /// <example><code>
    /// var encoder = new LSTM(64, returnState: true);
    /// var (output, states) = encoder.CallWithState(x);          // states: [h, c]
    /// var decoder = new LSTM(64, returnSequences: true);
    /// var y = decoder.CallWithState(target, initialState: states).Output;
    /// </code></example>
    public RecurrentOutput CallWithState(Tensor inputs, Tensor? mask = null, IReadOnlyList<Tensor>? initialState = null, bool training = false)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        if (inputs.dim() != 3)
            throw new ArgumentException(
                $"Input 0 of layer \"{Name}\" is incompatible with the layer: expected ndim=3 ([batch, time, features]), found ndim={inputs.dim()}. Full shape received: ({string.Join(", ", inputs.shape)})", nameof(inputs));
        if (!Built) Build(new Shape((int)inputs.shape[1], (int)inputs.shape[2]));
        long batch = inputs.shape[0], steps = inputs.shape[1];
        if (mask is not null && (mask.dim() != 2 || mask.shape[0] != batch || mask.shape[1] != steps))
            throw new ArgumentException(
                $"Layer \"{Name}\": the mask must be [batch, time] = ({batch}, {steps}); received ({string.Join(", ", mask.shape)}).", nameof(mask));
        if (initialState is not null && (initialState.Count != StateCount || initialState.Any(s => s.dim() != 2 || s.shape[0] != batch || s.shape[1] != Units)))
            throw new ArgumentException(
                $"Layer \"{Name}\" expects initialState to hold {StateCount} tensor(s) of shape ({batch}, {Units}); received {initialState.Count} of shapes {string.Join(", ", initialState.Select(s => "(" + string.Join(", ", s.shape) + ")"))}.", nameof(initialState));

        if (Stateful && initialState is null && _states is not null)
        {
            if (_states[0].shape[0] != batch)
                throw new ArgumentException(
                    $"Layer \"{Name}\" is stateful: its states hold a batch of {_states[0].shape[0]} sequences, but it received a batch of {batch}. " +
                    "A stateful RNN needs the same batch size in every call (pass batchSize and make the number of samples a multiple of it), or call ResetStates() first.", nameof(inputs));
            initialState = _states;
        }

        using var scope = NewDisposeScope();
        var x = FloatInputs(inputs);
        if (training && Dropout > 0)
            x = x * nn.functional.dropout(ones(batch, 1, x.shape[2], device: x.device), Dropout, training: true);
        Tensor? recurrentMask = training && RecurrentDropout > 0
            ? nn.functional.dropout(ones(batch, Units, device: x.device), RecurrentDropout, training: true) : null;

        var projected = ProjectInputs(x).unbind(1);        // [batch, gates × units] per step
        var stepMasks = mask is null ? null : (mask.dtype == ScalarType.Bool ? mask : mask.ne(0)).unsqueeze(-1).unbind(1);
        var states = initialState?.Select(s => s.to_type(x.dtype)).ToArray()
                     ?? Enumerable.Range(0, StateCount).Select(_ => zeros(batch, Units, dtype: x.dtype, device: x.device)).ToArray();
        var outputs = new List<Tensor>((int)steps);
        Tensor last = states[0];
        for (long i = 0; i < steps; i++)
        {
            long t = GoBackwards ? steps - 1 - i : i;
            var (output, next) = Step(projected[t], states, recurrentMask);
            if (stepMasks is not null)
            {
                // Keras: a masked step keeps the states and repeats the previous output (the previous h).
                var m = stepMasks[t];
                output = where(m, output, ZeroOutputForMask ? zeros_like(output) : states[0]);
                for (int s = 0; s < next.Length; s++) next[s] = where(m, next[s], states[s]);
            }
            states = next;
            last = output;
            if (ReturnSequences) outputs.Add(output);
        }
        var result = ReturnSequences ? stack(outputs, 1) : last;
        if (Stateful)                                                   // Keras: the states variables are assigned the final states
        {
            var kept = states.Select(st => st.detach().clone().DetachFromDisposeScope()).ToArray();
            foreach (var old in _states ?? Array.Empty<Tensor>()) old.Dispose();
            _states = kept;
        }
        // The output and the state h are often the same tensor; hand out separate handles so each can be disposed.
        var finalStates = states.Select(s => (ReferenceEquals(s, result) ? s.alias() : s).MoveToOuterDisposeScope()).ToArray();
        return new RecurrentOutput(result.MoveToOuterDisposeScope(), finalStates);
    }

    /// <summary>The input part of every gate for all steps at once: [batch, time, gates × units].</summary>
    protected virtual Tensor ProjectInputs(Tensor x) => nn.functional.linear(x, Kernel.Value, Bias?.Value);

    /// <summary>
    /// One step of the cell: from the projected input [batch, gates × units] and the states, the step's output and new
    /// states. <paramref name="recurrentMask"/> (recurrent dropout) multiplies the previous h when not null.
    /// </summary>
    protected abstract (Tensor Output, Tensor[] States) Step(Tensor projected, Tensor[] states, Tensor? recurrentMask);

    /// <inheritdoc/>
    public override LayerConfig GetConfig() => base.GetConfig()
        .Set("units", Units).Set("activation", Activation).Set("use_bias", UseBias)
        .Set("kernel_initializer", KernelInitializer).Set("recurrent_initializer", RecurrentInitializer)
        .Set("bias_initializer", BiasInitializer).Set("dropout", Dropout).Set("recurrent_dropout", RecurrentDropout)
        .Set("return_sequences", ReturnSequences).Set("return_state", ReturnState).Set("go_backwards", GoBackwards)
        .Set("stateful", Stateful)
        .Set("kernel_regularizer", KernelRegularizer?.ToJson()).Set("recurrent_regularizer", RecurrentRegularizer?.ToJson())
        .Set("bias_regularizer", BiasRegularizer?.ToJson()).Set("kernel_constraint", KernelConstraint?.ToJson())
        .Set("recurrent_constraint", RecurrentConstraint?.ToJson()).Set("bias_constraint", BiasConstraint?.ToJson());
}
