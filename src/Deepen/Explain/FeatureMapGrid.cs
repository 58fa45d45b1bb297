namespace Deepen.Explain;

/// <summary>
/// A grid of small images — the channels of a layer's feature maps, or the filters of a convolution — as a PNG,
/// made by <see cref="FeatureMaps"/>.
/// </summary>
/// <param name="Png">The encoded image.</param>
/// <param name="Width">Its width in pixels.</param>
/// <param name="Height">Its height in pixels.</param>
/// <param name="Layer">The layer shown.</param>
/// <param name="Count">How many maps or filters the grid shows.</param>
/// <param name="Total">How many the layer has (the grid shows the first <paramref name="Count"/>).</param>
/// <example><code>FeatureMaps.Render(model, image, "conv2d").Save("conv2d-maps.png");</code></example>
public sealed record FeatureMapGrid(byte[] Png, int Width, int Height, string Layer, int Count, int Total)
{
    /// <summary>Writes the PNG to <paramref name="path"/> (folders are created).</summary>
    public void Save(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        string full = System.IO.Path.GetFullPath(path);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
        Utils.AtomicFile.WriteAllBytes(full, Png);
    }
}
