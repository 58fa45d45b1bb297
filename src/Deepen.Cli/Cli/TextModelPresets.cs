using Deepen.Layers;
using Deepen.Models;

namespace Deepen.Cli;

/// <summary>
/// The text models <c>deepen train --text --model</c> builds. Each starts with a <see cref="TextVectorization"/>
/// (adapted on the training texts, saved in the model so <c>deepen predict</c> takes raw text) and ends with the
/// classification head: <c>Dense(1, sigmoid)</c> for two classes, else <c>Dense(classes, softmax)</c>.
/// <list type="bullet">
/// <item><c>text-lstm</c> (default): token ids → Embedding(64, mask zero) → LSTM(32).</item>
/// <item><c>text-transformer</c>: token ids → TokenAndPositionEmbedding(64, mask zero) → TransformerEncoder(2 heads,
/// feed-forward 64) → GlobalAveragePooling1D → Dropout(0.1).</item>
/// <item><c>text-bow</c>: TF-IDF of words and word pairs → Dense(64, relu) → Dropout(0.3); fast, order-blind.</item>
/// </list>
/// </summary>
public static class TextModelPresets
{
    /// <summary>The preset names.</summary>
    public static readonly string[] Names = { "text-lstm", "text-transformer", "text-bow" };

    /// <summary>The default preset.</summary>
    public const string Default = "text-lstm";

    /// <summary>Requires a text preset name (exit code 2 otherwise).</summary>
    public static void CheckName(string model)
    {
        if (!Names.Contains(model.ToLowerInvariant()) && !Applications.PretrainedPresets.IsText(model))
            throw new CliException(ExitCodes.Usage, $"Invalid value for --model with --text: \"{model}\". Expected one of {string.Join(", ", Names.Concat(Applications.PretrainedPresets.TextNames))} (pretrained).");
    }

    /// <summary>The global gradient norm the recurrent presets clip at (Keras's <c>global_clipnorm</c>).</summary>
    public const double RecurrentGlobalClipnorm = 1.0;

    /// <summary>
    /// The optimizer for <paramref name="model"/>: recurrent presets (text-lstm) clip the gradients' global norm at
    /// <see cref="RecurrentGlobalClipnorm"/>, as Keras users do against exploding LSTM gradients, unless it clips already.
    /// </summary>
    public static Optimizers.Optimizer WithClipping(string model, Optimizers.Optimizer optimizer) =>
        model.Equals("text-lstm", StringComparison.OrdinalIgnoreCase) && optimizer is { Clipnorm: null, Clipvalue: null, GlobalClipnorm: null }
            ? Optimizers.OptimizerRegistry.FromConfig(optimizer.Name, optimizer.GetConfig().Set("global_clipnorm", RecurrentGlobalClipnorm))
            : optimizer;

    /// <summary>The model's TextVectorization, before it is adapted.</summary>
    public static TextVectorization Vectorizer(string model, int maxTokens, int sequenceLength) => model.ToLowerInvariant() switch
    {
        "text-bow" => new TextVectorization(maxTokens: maxTokens, outputMode: "tf_idf", ngrams: 2),
        _ => new TextVectorization(maxTokens: maxTokens, outputSequenceLength: sequenceLength),
    };

    /// <summary>Builds the model around an adapted <paramref name="vectorizer"/> for <paramref name="classes"/> classes.</summary>
    public static Sequential Build(string model, TextVectorization vectorizer, int classes)
    {
        CheckName(model);
        var layers = new List<Layer> { vectorizer };
        switch (model.ToLowerInvariant())
        {
            case "text-bow":
                layers.Add(new Dense(64, activation: "relu"));
                layers.Add(new Dropout(0.3));
                break;
            case "text-transformer":
                layers.Add(new TokenAndPositionEmbedding(vectorizer.VocabularySize(), vectorizer.OutputSequenceLength!.Value, 64, maskZero: true));
                layers.Add(new TransformerEncoder(intermediateDim: 64, numHeads: 2));
                layers.Add(new GlobalAveragePooling1D());
                layers.Add(new Dropout(0.1));
                break;
            default:
                layers.Add(new Embedding(vectorizer.VocabularySize(), 64, maskZero: true));
                layers.Add(new LSTM(32));
                break;
        }
        layers.Add(new Dense(classes == 2 ? 1 : classes, activation: classes == 2 ? "sigmoid" : "softmax"));
        var result = new Sequential(layers, name: model.ToLowerInvariant());
        if (!result.Built) result.Build(vectorizer.VocabularySize());       // bag-of-words: one entry per vocabulary index
        return result;
    }
}
