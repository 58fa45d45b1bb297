using Deepen.Layers;
using TorchSharp.Modules;

namespace Deepen.Models;

// Freezing a whole model, and binding the optimizer to what is trainable at the start of each Fit.
public partial class Model
{
    bool _trainable = true;

    /// <summary>
    /// Whether <c>Fit</c> updates the model's weights (Keras's <c>model.trainable</c>). Setting it sets
    /// <see cref="Layer.Trainable"/> on every layer, so a base model frozen this way stays frozen inside a bigger
    /// model built on its outputs, and a layer can be unfrozen again afterwards for fine-tuning.
    /// <para>
    /// Changing it (or a layer's <see cref="Layer.Trainable"/>) after <c>Compile</c> needs no recompile: each
    /// <c>Fit</c> binds the optimizer to the weights that are trainable when it starts, and when that set changed the
    /// optimizer starts with fresh state (moments, momentum), as Keras's recompile after changing <c>trainable</c>
    /// gives. A change made during <c>Fit</c> (in a callback) takes effect at the next <c>Fit</c>.
    /// </para>
    /// </summary>
    /// <example><code>
    /// var features = baseModel.Outputs[0];                      // a pretrained functional model
    /// var outputs = new Dense(10, activation: "softmax").Call(new GlobalAveragePooling2D().Call(features));
    /// var model = new Model(baseModel.Inputs, outputs);
    /// baseModel.Trainable = false;                              // train the new head only
    /// model.Compile("adam", "sparse_categorical_crossentropy", ["accuracy"]);
    /// model.Fit(x, y, epochs: 5);
    /// baseModel.Trainable = true;                               // then fine-tune everything, slowly
    /// model.Compile(new Adam(1e-5), "sparse_categorical_crossentropy", ["accuracy"]);
    /// model.Fit(x, y, epochs: 2);
    /// </code></example>
    public bool Trainable
    {
        get => _trainable;
        set
        {
            _trainable = value;
            foreach (var layer in Layers) layer.Trainable = value;
        }
    }

    /// <summary>The weights the optimizer updates (none when the model is frozen), in <see cref="Weights"/> order.</summary>
    public IEnumerable<Weight> TrainableWeights => Trainable ? Layers.SelectMany(l => l.TrainableWeights) : Enumerable.Empty<Weight>();

    /// <summary>The weights the optimizer leaves alone: frozen layers' weights and states such as moving averages.</summary>
    public IEnumerable<Weight> NonTrainableWeights => Trainable ? Layers.SelectMany(l => l.NonTrainableWeights) : Weights;

    /// <summary>
    /// Binds the optimizer to the trainable weights (again, with fresh state, if they changed since the last time).
    /// Frozen parameters stop requiring gradients, so backpropagation does not run through a frozen base.
    /// </summary>
    internal void EnsureOptimizerBound()
    {
        var trainable = TrainableWeights.ToList();
        var parameters = trainable.Select(w => (Parameter)w.Value).ToList();
        var set = trainable.ToHashSet();
        foreach (var w in Weights)
            if (w.Value is Parameter p && p.requires_grad != set.Contains(w)) p.requires_grad = set.Contains(w);
        if (_boundParameters is not null && _boundParameters.SequenceEqual(parameters, ReferenceEqualityComparer.Instance)) return;
        Optimizer!.Bind(parameters, trainable.Select(w => w.Name));
        _boundParameters = parameters;
    }
}
