namespace Deepen.Ops;

/// <summary>
/// How points outside the input are filled by geometric augmentation, as Keras's <c>fill_mode</c>:
/// "nearest" (aaaa|abcd|dddd), "constant" (kkkk|abcd|kkkk with k = cval), "reflect" (dcba|abcd|dcba) and
/// "wrap" (abcd|abcd|abcd).
/// </summary>
/// <example><code>new ImageDataGenerator(rotationRange: 30, fillMode: "reflect");</code></example>
public enum FillMode
{
    /// <summary>Repeat the edge pixel.</summary>
    Nearest,
    /// <summary>A constant value (<c>cval</c> / <c>fillValue</c>).</summary>
    Constant,
    /// <summary>Mirror about the edge (the edge pixel repeats once).</summary>
    Reflect,
    /// <summary>Tile the image.</summary>
    Wrap,
}
