using static TorchSharp.torch;

namespace Deepen.Layers;

/// <summary>
/// Collects the activity-regularization penalties of one forward pass (Keras's <c>layer.add_loss</c> in
/// <c>Layer.__call__</c>): <c>Fit</c> and <c>Evaluate</c> open a collection around the forward pass, the functional graph
/// adds each layer's penalty, and the trainer adds their sum to the loss. Per thread, like TorchSharp's dispose scopes.
/// </summary>
internal sealed class ActivityLosses : IDisposable
{
    [ThreadStatic] static ActivityLosses? _current;
    readonly ActivityLosses? _outer;
    readonly List<Tensor> _losses = new();

    ActivityLosses(ActivityLosses? outer) => _outer = outer;

    /// <summary>Starts collecting on this thread (null when <paramref name="enabled"/> is false).</summary>
    public static ActivityLosses? Collect(bool enabled) => enabled ? _current = new ActivityLosses(_current) : null;

    /// <summary>Whether a collection is open on this thread.</summary>
    public static bool Active => _current is not null;

    /// <summary>Adds a penalty to the open collection.</summary>
    public static void Add(Tensor loss) => _current?._losses.Add(loss);

    /// <summary>The penalties collected in the open collection on this thread.</summary>
    public static IReadOnlyList<Tensor> Current => _current?._losses ?? (IReadOnlyList<Tensor>)Array.Empty<Tensor>();

    /// <summary>Ends the collection (the tensors belong to the caller's dispose scope).</summary>
    public void Dispose()
    {
        if (ReferenceEquals(_current, this)) _current = _outer;
    }

    /// <summary>
    /// Keras's activity penalty of one output: the regularizer's value divided by the batch size
    /// (keras/src/layers/layer.py, <c>__call__</c>).
    /// </summary>
    public static Tensor Penalty(Regularizers.Regularizer regularizer, Tensor output)
    {
        var loss = regularizer.Call(output);
        return output.dim() > 0 && output.shape[0] > 0 ? loss / output.shape[0] : loss;
    }
}
