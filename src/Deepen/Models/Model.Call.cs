using Deepen.Layers;

namespace Deepen.Models;

// A model called on a symbolic tensor, as Keras's `base_model(inputs)` in the functional API.
public partial class Model
{
    /// <summary>
    /// Applies this model to a symbolic tensor of the functional API, as Keras's <c>x = base_model(x)</c>: each of its
    /// layers is called again in order on the new tensor, sharing its weights, so the bigger model contains this
    /// model's layers (its summary lists them one by one rather than as one row, as a nested Keras model would show).
    /// Freezing this model (<see cref="Trainable"/> = false) freezes them in the bigger model too. Keras's guide also
    /// passes <c>training=False</c> so that batch normalization stays in inference mode while fine-tuning; here freeze
    /// the <see cref="BatchNormalization"/> layers instead, which has the same effect.
    /// </summary>
    /// <param name="input">A symbolic tensor whose shape is this model's input shape.</param>
    /// <returns>The symbolic output.</returns>
    /// <example><code>
    /// var inputs = new Input((160, 160, 3));
    /// var x = new Rescaling(1.0 / 127.5, offset: -1).Call(inputs);
    /// x = baseModel.Call(x);                                   // baseModel.Trainable = false beforehand
    /// x = new GlobalAveragePooling2D().Call(x);
    /// var model = new Model(inputs, new Dense(1).Call(x));
    /// </code></example>
    public KerasTensor Call(KerasTensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (_graph is null)
        {
            if (!Built) Build(input.Shape);
            CheckCallShape(input);
            var h = input;
            foreach (var layer in Layers) h = layer.Call(h);
            return h;
        }
        if (_graph.Inputs.Count != 1 || _graph.Outputs.Count != 1)
            throw new NotSupportedException(
                $"Model \"{Name}\" has {_graph.Inputs.Count} inputs and {_graph.Outputs.Count} outputs; Call(KerasTensor) applies models with one input and one output. Build the bigger model on its Inputs and Outputs instead.");
        CheckCallShape(input);
        var map = new Dictionary<KerasTensor, KerasTensor> { [_graph.Inputs[0]] = input };
        foreach (var node in _graph.Nodes)
        {
            if (map.ContainsKey(node.Output)) continue;                 // the input
            var inputs = node.Inputs.Select(t => map[t]).ToArray();
            map[node.Output] = node.ListCall ? node.Layer.Call(inputs) : node.Layer.Call(inputs[0]);
        }
        return map[_graph.Outputs[0]];
    }

    void CheckCallShape(KerasTensor input)
    {
        if (InputShape is { } expected && !expected.Equals(input.Shape))
            throw new ArgumentException(
                $"Input 0 of model \"{Name}\" is incompatible with the model: expected shape={expected.ToBatchString()}, found shape={input.Shape.ToBatchString()}.", nameof(input));
    }
}
