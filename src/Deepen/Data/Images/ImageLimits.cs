namespace Deepen.Data.Images;

/// <summary>
/// The largest image the pipeline decodes, read from the file's header before any pixel is decoded — as Pillow's
/// <c>Image.MAX_IMAGE_PIXELS</c>, whose default this is (89,478,485 pixels, about 358 MB as RGBA). A 250 KB PNG can
/// claim 16000×16000 pixels; such a file is refused (skipped with a reason in training, an error in predict) instead
/// of taking a gigabyte. The <c>deepen</c> command reads <c>DEEPEN_MAX_IMAGE_PIXELS</c>.
/// </summary>
/// <example><code>ImageLimits.MaxImagePixels = 400_000_000;   // allow 20000×20000 scans</code></example>
public static class ImageLimits
{
    /// <summary>Pillow's MAX_IMAGE_PIXELS: int(1024 * 1024 * 1024 // 4 // 3).</summary>
    public const long PillowMaxImagePixels = 1024L * 1024 * 1024 / 4 / 3;

    static long _maxImagePixels = PillowMaxImagePixels;

    /// <summary>The most pixels (width × height) an image may have to be decoded.</summary>
    public static long MaxImagePixels
    {
        get => Interlocked.Read(ref _maxImagePixels);
        set => Interlocked.Exchange(ref _maxImagePixels, value > 0 ? value
            : throw Utils.Check.Invalid(nameof(MaxImagePixels), value, "a positive number of pixels"));
    }
}
