namespace Deepen.Layers;

// Freezing, with Keras's semantics (keras/src/layers/layer.py, the `trainable` property and `trainable_weights`):
// setting Trainable sets it on every inner layer too (a wrapper, a block made of layers), a frozen layer has no
// trainable weights, and an inner layer frozen on its own keeps its weights out of its owner's trainable weights.
public abstract partial class Layer
{
    readonly List<Layer> _innerLayers = new();
    bool _trainable = true;

    /// <summary>
    /// Whether the optimizer updates this layer's weights (Keras's <c>trainable</c>). Setting it also sets it on the
    /// layer's inner layers (Bidirectional's directions, TimeDistributed's layer, TransformerEncoder's parts). A frozen
    /// layer's weights are not given to the optimizer and stay unchanged by <c>Fit</c>; a frozen
    /// <see cref="BatchNormalization"/> also runs in inference mode (moving statistics, not updated), as in Keras.
    /// A change takes effect at the next <c>Fit</c>, which binds the optimizer to the weights that are trainable then.
    /// </summary>
    /// <example><code>
    /// model.Layers[0].Trainable = false;   // freeze the first layer
    /// model.Summary();                     // its weights now count as "Non-trainable params"
    /// </code></example>
    public bool Trainable
    {
        get => _trainable;
        set
        {
            _trainable = value;
            foreach (var inner in _innerLayers) inner.Trainable = value;
        }
    }

    /// <summary>The weights the optimizer updates: none when the layer is frozen (Keras's <c>trainable_weights</c>).</summary>
    public IEnumerable<Weight> TrainableWeights => Trainable ? Weights.Where(IsTrainable) : Enumerable.Empty<Weight>();

    /// <summary>
    /// Weights the optimizer does not update (Keras's <c>non_trainable_weights</c>): every weight of a frozen layer,
    /// else states such as BatchNormalization's moving mean and variance and the weights of frozen inner layers.
    /// </summary>
    public IEnumerable<Weight> NonTrainableWeights => Trainable ? Weights.Where(w => !IsTrainable(w)) : Weights;

    /// <summary>Whether a weight of this (trainable) layer is trainable: a parameter not frozen by an inner layer.</summary>
    bool IsTrainable(Weight w) =>
        w.Trainable && !_innerLayers.Any(inner => inner.Weights.Contains(w) && !inner.TrainableWeights.Contains(w));

    /// <summary>Records an inner layer, so that freezing this layer freezes it; a frozen owner freezes it at once.</summary>
    void TrackTrainability(Layer inner)
    {
        if (_innerLayers.Contains(inner)) return;
        _innerLayers.Add(inner);
        if (!Trainable) inner.Trainable = false;
    }
}
