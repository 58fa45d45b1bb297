namespace Deepen.Data.Images;

/// <summary>
/// The targets an image iterator yields, as Keras's <c>class_mode</c>: "categorical" (one-hot [batch, classes]),
/// "binary" (0/1 floats [batch], exactly two classes), "sparse" (class indices as floats [batch]), "input"
/// (the images themselves, for autoencoders) or "none" (no targets, for <c>Predict</c>).
/// </summary>
/// <example><code>gen.FlowFromDirectory("data/train", classMode: "binary");</code></example>
public enum ClassMode
{
    /// <summary>One-hot float32 targets [batch, classes].</summary>
    Categorical,
    /// <summary>Float32 0/1 targets [batch]; needs exactly two classes.</summary>
    Binary,
    /// <summary>Float32 class indices [batch].</summary>
    Sparse,
    /// <summary>The targets are a copy of the inputs.</summary>
    Input,
    /// <summary>No targets.</summary>
    None,
    /// <summary>Int64 class indices [batch] (Keras 3's <c>label_mode="int"</c>).</summary>
    Int,
}
