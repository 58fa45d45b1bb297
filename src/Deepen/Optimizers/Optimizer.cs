using System.Text.RegularExpressions;
using Deepen.Utils;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Deepen.Optimizers;

/// <summary>
/// The base of Deepen's optimizers: Keras's names, defaults and update formulas over LibTorch's implementations.
/// The optimizer is bound to a model's trainable weights when training starts. Like Keras's base optimizer, every
/// optimizer takes <c>weightDecay</c> (decoupled: w -= lr·wd·w before the update), one of <c>clipnorm</c> /
/// <c>clipvalue</c> / <c>globalClipnorm</c>, and an exponential moving average of the weights (<c>useEma</c>).
/// One step is Keras's <c>apply()</c> (keras/src/optimizers/base_optimizer.py): clip the gradients, apply weight
/// decay, update, update the moving average, count the iteration.
/// </summary>
/// <example><code>model.Compile(new Adam(learningRate: 3e-4, clipnorm: 1.0), "binary_crossentropy", ["accuracy"]);</code></example>
public abstract class Optimizer : IDisposable
{
    double _learningRate;
    optim.Optimizer? _torch;
    List<(string Name, Parameter Variable)> _variables = [];
    readonly List<Tensor> _excludedVariables = [];
    readonly List<string> _excludedNames = [];
    List<Tensor>? _averages;

    /// <summary>Stores the learning rate.</summary>
    protected Optimizer(double learningRate) : this(learningRate, null, null, null, null, false, 0.99, null) { }

    /// <summary>Stores the learning rate and Keras's base optimizer arguments, checked as Keras checks them.</summary>
    protected Optimizer(double learningRate, double? weightDecay, double? clipnorm, double? clipvalue, double? globalClipnorm,
        bool useEma, double emaMomentum, int? emaOverwriteFrequency)
    {
        _learningRate = Check.Positive(learningRate, nameof(learningRate));
        if (new[] { clipnorm, clipvalue, globalClipnorm }.Count(v => v is not null) > 1)
            throw new ArgumentException("Only one of `clipnorm`, `clipvalue` and `global_clipnorm` can be set. Received: " +
                $"clipnorm={Check.Format(clipnorm)}, clipvalue={Check.Format(clipvalue)}, global_clipnorm={Check.Format(globalClipnorm)}");
        WeightDecay = weightDecay is double wd ? Check.NonNegative(wd, nameof(weightDecay)) : null;
        Clipnorm = clipnorm is double cn ? Check.Positive(cn, nameof(clipnorm)) : null;
        Clipvalue = clipvalue is double cv ? Check.Positive(cv, nameof(clipvalue)) : null;
        GlobalClipnorm = globalClipnorm is double gn ? Check.Positive(gn, nameof(globalClipnorm)) : null;
        UseEma = useEma;
        EmaMomentum = Check.Fraction(emaMomentum, nameof(emaMomentum), allowOne: true);
        if (emaOverwriteFrequency is int f) Check.Positive(f, nameof(emaOverwriteFrequency));
        EmaOverwriteFrequency = emaOverwriteFrequency;
    }

    /// <summary>The Keras name, e.g. "adam".</summary>
    public abstract string Name { get; }

    /// <summary>The current learning rate; setting it takes effect at the next step (used by schedules).</summary>
    public double LearningRate
    {
        get => _torch is null ? _learningRate : _torch.ParamGroups.First().LearningRate;
        set
        {
            _learningRate = Check.Positive(value, nameof(LearningRate));
            if (_torch is not null) foreach (var g in _torch.ParamGroups) g.LearningRate = value;
        }
    }

    /// <summary>Decoupled weight decay (Keras's <c>weight_decay</c>): each step first does w -= learning_rate·wd·w.</summary>
    public double? WeightDecay { get; }
    /// <summary>Each gradient is rescaled to an L2 norm of at most this (Keras's <c>clipnorm</c>).</summary>
    public double? Clipnorm { get; }
    /// <summary>Each gradient element is clipped to [-clipvalue, clipvalue] (Keras's <c>clipvalue</c>).</summary>
    public double? Clipvalue { get; }
    /// <summary>All gradients together are rescaled to a global L2 norm of at most this (Keras's <c>global_clipnorm</c>).</summary>
    public double? GlobalClipnorm { get; }
    /// <summary>Whether a moving average of the weights is kept (Keras's <c>use_ema</c>).</summary>
    public bool UseEma { get; }
    /// <summary>The moving average's momentum (Keras's <c>ema_momentum</c>, 0.99).</summary>
    public double EmaMomentum { get; }
    /// <summary>Every this many iterations the weights are overwritten with their moving average; when null, only at the end of Fit.</summary>
    public int? EmaOverwriteFrequency { get; }

    /// <summary>The number of steps taken (Keras's <c>iterations</c>).</summary>
    public long Iterations { get; private set; }

    /// <summary>Whether the optimizer is bound to weights.</summary>
    public bool IsBound => _torch is not null;

    /// <summary>Creates the LibTorch optimizer for <paramref name="parameters"/>.</summary>
    protected abstract optim.Optimizer Create(IEnumerable<Parameter> parameters, double learningRate);

    /// <summary>Called before each LibTorch step with Keras's iteration count (e.g. to set a per-step epsilon).</summary>
    protected virtual void BeforeStep(optim.Optimizer optimizer, long iterations) { }

    /// <summary>The hyper-parameters, for saving.</summary>
    public abstract LayerConfig GetConfig();

    /// <summary>Adds Keras's base optimizer arguments to a subclass's config.</summary>
    protected LayerConfig BaseConfig(LayerConfig config) => config.Set("weight_decay", WeightDecay).Set("clipnorm", Clipnorm)
        .Set("clipvalue", Clipvalue).Set("global_clipnorm", GlobalClipnorm).Set("use_ema", UseEma)
        .Set("ema_momentum", EmaMomentum).Set("ema_overwrite_frequency", EmaOverwriteFrequency);

    internal static double? OptionalDouble(LayerConfig c, string key) => c.Has(key) ? c.GetDouble(key) : null;

    internal static (double? WeightDecay, double? Clipnorm, double? Clipvalue, double? GlobalClipnorm, bool UseEma, double EmaMomentum, int? EmaOverwriteFrequency)
        ReadBase(LayerConfig c) => (OptionalDouble(c, "weight_decay"), OptionalDouble(c, "clipnorm"), OptionalDouble(c, "clipvalue"),
            OptionalDouble(c, "global_clipnorm"), c.Has("use_ema") && c.GetBool("use_ema"), c.Has("ema_momentum") ? c.GetDouble("ema_momentum") : 0.99,
            c.Has("ema_overwrite_frequency") ? c.GetInt("ema_overwrite_frequency") : null);

    /// <summary>
    /// Leaves these variables, or those whose weight name matches one of the regular expressions, out of weight decay
    /// (Keras's <c>exclude_from_weight_decay(var_list, var_names)</c>, e.g. <c>varNames: ["bias", "gamma", "beta"]</c>).
    /// Call it before training starts.
    /// </summary>
    /// <example><code>var opt = new AdamW(); opt.ExcludeFromWeightDecay(varNames: ["bias"]);</code></example>
    public void ExcludeFromWeightDecay(IEnumerable<Tensor>? varList = null, IEnumerable<string>? varNames = null)
    {
        if (IsBound)
            throw new InvalidOperationException("`exclude_from_weight_decay()` can only be configured before the optimizer is built.");
        if (varList is not null) _excludedVariables.AddRange(varList);
        if (varNames is not null) _excludedNames.AddRange(varNames);
    }

    /// <summary>
    /// Applies one step with the given gradients (Keras's <c>apply_gradients(zip(grads, vars))</c>). The first call
    /// binds the optimizer to the variables; they must be the same ones, in the same order, every time.
    /// </summary>
    /// <example><code>var v = new Weight(tensor(new[] { 1f, 2f })); new SGD(0.5).ApplyGradients([(tensor(new[] { 1f, 1f }), v)]);</code></example>
    public void ApplyGradients(IEnumerable<(Tensor Gradient, Weight Variable)> gradsAndVars)
    {
        var pairs = gradsAndVars.ToList();
        var parameters = pairs.Select(p => p.Variable.Value as Parameter
            ?? throw new ArgumentException($"Variable `{p.Variable.Name}` is not trainable.", nameof(gradsAndVars))).ToList();
        if (!IsBound || !_variables.Select(v => v.Variable).SequenceEqual(parameters, ReferenceEqualityComparer.Instance))
            Bind(parameters, pairs.Select(p => p.Variable.Name));
        using (no_grad())
            foreach (var (g, v) in pairs)
            {
                if (!g.shape.SequenceEqual(v.Shape))
                    throw new ArgumentException($"The gradient of variable `{v.Name}` has shape [{string.Join(", ", g.shape)}]; " +
                        $"expected the variable's shape [{string.Join(", ", v.Shape)}].", nameof(gradsAndVars));
                v.Value.grad = g.to(v.Value.dtype, v.Value.device).clone();
            }
        Step();
    }

    internal void Bind(IEnumerable<Parameter> parameters, IEnumerable<string>? names = null)
    {
        _torch?.Dispose();
        var list = parameters.ToList();
        var nameList = names?.ToList() ?? list.Select(_ => "").ToList();
        _variables = nameList.Zip(list).Select(p => (p.First, p.Second)).ToList();
        DisposeAverages();
        _torch = Create(list, _learningRate);
    }

    internal void ZeroGrad() => Bound.zero_grad();

    /// <summary>One Keras step: clip, decay, update, moving average, count.</summary>
    internal void Step()
    {
        var optimizer = Bound;
        var withGrad = _variables.Where(v => v.Variable.grad is not null).ToList();
        using (no_grad())
        {
            ClipGradients(withGrad.Select(v => v.Variable.grad!).ToList());
            ApplyWeightDecay(withGrad);
        }
        BeforeStep(optimizer, Iterations);
        optimizer.step();
        if (UseEma)
        {
            using var _ = no_grad();
            UpdateMovingAverages();
            if (EmaOverwriteFrequency is int f && (Iterations + 1) % f == 0) OverwriteWithAverages();
        }
        Iterations++;
    }

    /// <summary>Keras's <c>_clip_gradients</c>: g·c/max(‖g‖, c) per tensor, for all tensors together, or by value.</summary>
    void ClipGradients(List<Tensor> grads)
    {
        if (grads.Count == 0) return;
        if (Clipnorm is double c)
        {
            foreach (var g in grads)
            {
                using var norm = linalg.vector_norm(g);
                using var scale = c / norm.clamp_min(c);
                g.mul_(scale);
            }
        }
        else if (GlobalClipnorm is double gc)
        {
            using var scope = NewDisposeScope();
            var norm = stack(grads.Select(g => linalg.vector_norm(g)).ToArray()).norm();
            // Keras's clip_by_global_norm: scale = c·min(1/‖g‖, 1/c); a non-finite norm makes every gradient NaN.
            var scale = (gc / norm.clamp_min(gc)) + (norm - norm);
            foreach (var g in grads) g.mul_(scale);
        }
        else if (Clipvalue is double v)
        {
            foreach (var g in grads) g.clamp_(-v, v);
        }
    }

    /// <summary>Keras's <c>_apply_weight_decay</c>: w -= w·wd·lr for every variable not excluded.</summary>
    void ApplyWeightDecay(List<(string Name, Parameter Variable)> variables)
    {
        if (WeightDecay is not double wd || wd == 0) return;
        double lr = LearningRate;
        foreach (var (name, p) in variables)
        {
            if (_excludedVariables.Any(e => ReferenceEquals(e, p) || e.Handle == p.Handle)) continue;
            if (_excludedNames.Any(pattern => Regex.IsMatch(name, pattern))) continue;
            p.mul_(1 - wd * lr);
        }
    }

    /// <summary>Keras's <c>_update_model_variables_moving_average</c>: the first step copies, later ones average.</summary>
    void UpdateMovingAverages()
    {
        double momentum = Iterations == 0 ? 0 : EmaMomentum;
        _averages ??= _variables.Select(v => zeros_like(v.Variable).DetachFromDisposeScope()).ToList();
        for (int i = 0; i < _averages.Count; i++)
            _averages[i].mul_(momentum).add_(_variables[i].Variable, alpha: 1 - momentum);
    }

    void OverwriteWithAverages()
    {
        if (_averages is null) return;
        for (int i = 0; i < _averages.Count; i++) _variables[i].Variable.copy_(_averages[i]);
    }

    /// <summary>The moving averages of the bound variables, in order (copies), or null before the first step or without EMA.</summary>
    public List<Tensor>? MovingAverages() => _averages?.Select(a => a.detach().clone()).ToList();

    /// <summary>
    /// Keras's <c>finalize_variable_values</c>: with <c>useEma</c>, sets the weights to their moving average. Fit calls
    /// it when training ends, as Keras does.
    /// </summary>
    public void FinalizeVariableValues()
    {
        if (!UseEma) return;
        using var _ = no_grad();
        OverwriteWithAverages();
    }

    optim.Optimizer Bound => _torch ?? throw new InvalidOperationException("The optimizer is not bound to a model's weights yet.");

    OptimizerHelper Helper => Bound as OptimizerHelper
        ?? throw new NotSupportedException($"The {Name} optimizer's state cannot be serialized.");

    internal byte[] SaveState()
    {
        using var ms = new MemoryStream();
        using (var w = new BinaryWriter(ms, System.Text.Encoding.UTF8, leaveOpen: true)) Helper.save_state_dict(w);
        return ms.ToArray();
    }

    internal void LoadState(byte[] state)
    {
        using var r = new BinaryReader(new MemoryStream(state));
        Helper.load_state_dict(r);
        // Keras's iteration count lives in LibTorch's per-variable step counters.
        Iterations = Helper.state_dict().State.FirstOrDefault() switch
        {
            TorchSharp.Modules.Adam.State a => a.step,
            TorchSharp.Modules.AdamW.State a => a.step,
            RMSProp.State s => s.step,
            _ => Iterations,
        };
    }

    void DisposeAverages()
    {
        _averages?.ForEach(a => a.Dispose());
        _averages = null;
    }

    /// <summary>Releases LibTorch's optimizer state.</summary>
    public void Dispose()
    {
        _torch?.Dispose();
        _torch = null;
        DisposeAverages();
        GC.SuppressFinalize(this);
    }

    /// <inheritdoc/>
    public override string ToString() => string.Create(System.Globalization.CultureInfo.InvariantCulture,
        $"{Name}(learning_rate={LearningRate}{(Clipnorm is double c ? $", clipnorm={c}" : "")}{(Clipvalue is double v ? $", clipvalue={v}" : "")}{(GlobalClipnorm is double g ? $", global_clipnorm={g}" : "")})");
}
