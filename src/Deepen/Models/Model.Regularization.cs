using Deepen.Layers;
using static TorchSharp.torch;

namespace Deepen.Models;

// Keras's model.losses (weight and activity regularization, summed into the training loss) and constraints
// (applied after each optimizer step): keras/src/trainers/trainer.py compute_loss, keras/src/optimizers/base_optimizer.py.
public partial class Model
{
    /// <summary>Whether any layer has a weight regularizer or an activity regularizer.</summary>
    internal bool HasRegularization => Layers.Any(l => l.ActivityRegularizer is not null || l.Weights.Any(w => w.Regularizer is not null));

    /// <summary>
    /// The sum of the regularization penalties (Keras's <c>sum(model.losses)</c>): each trainable weight's regularizer
    /// applied to it, plus the activity penalties of the last forward pass; a float32 scalar (0 without any).
    /// </summary>
    /// <example><code>double penalty = model.RegularizationLoss().item&lt;float&gt;();</code></example>
    public Tensor RegularizationLoss()
    {
        using var scope = NewDisposeScope();
        Tensor total = zeros(Array.Empty<long>(), ScalarType.Float32, Device);
        foreach (var w in TrainableWeights)
            if (w.Regularizer is { } r) total = total + r.Call(w.Value).to(ScalarType.Float32);
        foreach (var a in ActivityLosses.Current) total = total + a.to(ScalarType.Float32);
        return total.MoveToOuterDisposeScope();
    }

    /// <summary>Applies every trainable weight's constraint (after an optimizer step, as Keras's optimizer does).</summary>
    internal void ApplyConstraints()
    {
        foreach (var w in TrainableWeights) w.ApplyConstraint();
    }

    /// <summary>Whether any trainable weight has a constraint.</summary>
    internal bool HasConstraints => TrainableWeights.Any(w => w.Constraint is not null);
}
