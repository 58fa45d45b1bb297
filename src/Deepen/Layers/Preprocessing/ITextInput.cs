using static TorchSharp.torch;

namespace Deepen.Layers;

/// <summary>
/// A first layer that turns raw strings into the tensor the rest of the model consumes, on the host:
/// <see cref="TextVectorization"/>, or a pretrained model's tokenizer (Deepen.Applications' WordPiece layer). A model
/// whose first layer is one takes strings in <c>Fit</c>, <c>Evaluate</c> and <c>Predict</c>.
/// </summary>
/// <example><code>Tensor ids = ((ITextInput)model.Layers[0]).Call(new[] { "free money" });</code></example>
public interface ITextInput
{
    /// <summary>The tensor for a batch of strings (one row per string, all rows of the same shape).</summary>
    Tensor Call(IReadOnlyList<string> texts);
}
