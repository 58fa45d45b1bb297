using Deepen.Saving.WeightFiles;

namespace Deepen.Models;

// Weights only, in other frameworks' files (Keras's model.load_weights / model.save_weights).
public partial class Model
{
    /// <summary>
    /// Loads weights saved by Keras or PyTorch (or by <see cref="SaveWeights"/>) into this built model, converting
    /// layouts: Keras files hold Dense kernels as (input, units) and Conv2D kernels as (kh, kw, in, filters), PyTorch
    /// files as (units, input) and (filters, in, kh, kw); a Dense layer after a Flatten of images also gets its input
    /// columns reordered from PyTorch's channels-first order. The format follows the file name:
    /// <list type="bullet">
    /// <item><c>.weights.h5</c> (and <c>.keras</c>): Keras 3, <c>layers/&lt;class&gt;/vars/0…</c>. Layers are matched in
    /// order of class, as Keras does (<c>dense</c>, <c>dense_1</c>, …), so <paramref name="byName"/> is not allowed.</item>
    /// <item><c>.h5</c>, <c>.hdf5</c>: Keras 2 (<c>layer_names</c> / <c>weight_names</c>), the i-th layer with weights gets
    /// the i-th saved one, or, with <paramref name="byName"/>, saved layers go to the layers of the same name and the
    /// others are ignored.</item>
    /// <item><c>.pt</c>, <c>.pth</c>, <c>.bin</c> (<c>torch.save(model.state_dict())</c>) and <c>.safetensors</c>: keys
    /// <c>&lt;module&gt;.weight</c>, <c>.bias</c>, <c>.running_mean</c>, <c>.running_var</c>; modules are matched to layers
    /// in the file's order, or by name (module path = layer name) with <paramref name="byName"/>. Files written by the
    /// safetensors library list tensors sorted by name, not in module order: load those with <paramref name="byName"/>.</item>
    /// </list>
    /// Supported layers with weights: Dense, Conv1D, Conv2D, BatchNormalization, LayerNormalization, Embedding,
    /// PositionEmbedding and, for Keras files, SimpleRNN, LSTM and GRU; others raise <see cref="NotSupportedException"/>.
    /// </summary>
    /// <param name="path">The weight file.</param>
    /// <param name="byName">Match layers by name rather than by order (Keras 2 .h5 and PyTorch files).</param>
    /// <param name="skipMismatch">Skip layers whose weight count or shapes differ from the file's instead of raising;
    /// the skipped layers keep their weights and are listed in the returned messages.</param>
    /// <returns>One message per layer skipped because of <paramref name="skipMismatch"/> (empty when all loaded).</returns>
    /// <exception cref="ArgumentException">A layer's weights do not match the file's: the message names the layer, the
    /// weight, the expected and the found shape (in the file's layout).</exception>
    /// <example><code>
    /// var model = new Sequential(new Dense(64, "relu", inputShape: 784), new Dense(10, "softmax"));
    /// model.LoadWeights("mlp.weights.h5");                    // written by Keras's model.save_weights
    /// model.LoadWeights("mlp.pt");                            // or by torch.save(net.state_dict())
    /// var skipped = model.LoadWeights("pretrained.h5", byName: true, skipMismatch: true);
    /// </code></example>
    public IReadOnlyList<string> LoadWeights(string path, bool byName = false, bool skipMismatch = false) =>
        WeightFile.Load(this, path, byName, skipMismatch);

    /// <summary>
    /// Saves the weights (no architecture, no optimizer) in the format the file name asks for: <c>.weights.h5</c>
    /// (Keras 3's <c>save_weights</c>), <c>.h5</c>/<c>.hdf5</c> (Keras 2's), <c>.pt</c>/<c>.pth</c>/<c>.bin</c> (a PyTorch
    /// state_dict that <c>torch.load</c> reads; keys <c>&lt;layer name&gt;.weight</c>, …) or <c>.safetensors</c>.
    /// The write is atomic. Use <see cref="Save"/> for a whole Deepen model.
    /// </summary>
    /// <param name="path">The file to write.</param>
    /// <example><code>
    /// model.SaveWeights("model.weights.h5");   // keras_model.load_weights("model.weights.h5") in Python
    /// model.SaveWeights("model.pt");           // net.load_state_dict(torch.load("model.pt")) with matching module names
    /// </code></example>
    public void SaveWeights(string path) => WeightFile.Save(this, path);
}
