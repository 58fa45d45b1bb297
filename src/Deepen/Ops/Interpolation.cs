namespace Deepen.Ops;

/// <summary>
/// Resampling used when resizing decoded images and when warping them, as Keras's <c>interpolation</c>.
/// Resizing supports all values (bicubic is Skia's Catmull-Rom cubic, lanczos and hamming its Mitchell cubic, box
/// and area its mipmapped linear filter); geometric augmentation supports "nearest" and "bilinear".
/// </summary>
/// <example><code>gen.FlowFromDirectory("data/train", interpolation: "bilinear");</code></example>
public enum Interpolation
{
    /// <summary>Nearest neighbour (Keras's default for <c>flow_from_directory</c>).</summary>
    Nearest,
    /// <summary>Bilinear (Keras's default for <c>image_dataset_from_directory</c> and the Random* layers).</summary>
    Bilinear,
    /// <summary>Bicubic.</summary>
    Bicubic,
    /// <summary>Lanczos (resizing only; approximated by Skia's Mitchell cubic).</summary>
    Lanczos,
    /// <summary>Box (resizing only; Skia's mipmapped linear filter).</summary>
    Box,
    /// <summary>Hamming (resizing only; approximated by Skia's Mitchell cubic).</summary>
    Hamming,
    /// <summary>Area (resizing only; Skia's mipmapped linear filter).</summary>
    Area,
}
