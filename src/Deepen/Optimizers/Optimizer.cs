using Deepen.Utils;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Deepen.Optimizers;

/// <summary>
/// The base of Deepen's optimizers: Keras's names and defaults over LibTorch's implementations. The optimizer is
/// bound to a model's trainable weights when training starts.
/// </summary>
/// <example><code>model.Compile(new Adam(learningRate: 3e-4), "binary_crossentropy", ["accuracy"]);</code></example>
public abstract class Optimizer : IDisposable
{
    double _learningRate;
    optim.Optimizer? _torch;

    /// <summary>Stores the learning rate.</summary>
    protected Optimizer(double learningRate) => _learningRate = Check.Positive(learningRate, nameof(learningRate));

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

    /// <summary>Whether the optimizer is bound to weights.</summary>
    public bool IsBound => _torch is not null;

    /// <summary>Creates the LibTorch optimizer for <paramref name="parameters"/>.</summary>
    protected abstract optim.Optimizer Create(IEnumerable<Parameter> parameters, double learningRate);

    /// <summary>The hyper-parameters, for saving.</summary>
    public abstract Layers.LayerConfig GetConfig();

    internal void Bind(IEnumerable<Parameter> parameters)
    {
        _torch?.Dispose();
        _torch = Create(parameters, _learningRate);
    }

    internal void ZeroGrad() => Bound.zero_grad();
    internal void Step() => Bound.step();

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
    }

    /// <summary>Releases LibTorch's optimizer state.</summary>
    public void Dispose()
    {
        _torch?.Dispose();
        _torch = null;
        GC.SuppressFinalize(this);
    }

    /// <inheritdoc/>
    public override string ToString() => $"{Name}(learning_rate={LearningRate})";
}
