using Deepen.Utils;
using Deepen.Ops;
using static TorchSharp.torch;

namespace Deepen.Data.Images;

/// <summary>
/// Loads single image files into tensors, like Keras's <c>load_img</c> + <c>img_to_array</c>: decoded with the
/// pipeline's decoder, resized to a target size, channels last, float32 pixel values 0–255.
/// </summary>
/// <example><code>
/// Tensor image = ImageLoader.Load("cat.jpg", targetSize: (150, 150));   // [150, 150, 3]
/// Tensor batch = image.unsqueeze(0);                                     // [1, 150, 150, 3] for Predict
/// </code></example>
public static class ImageLoader
{
    /// <summary>Whether <paramref name="path"/> has an extension the pipeline reads (jpg, jpeg, png, bmp, gif, webp).</summary>
    public static bool IsImagePath(string path) => ImageFormats.HasImageExtension(path);

    /// <summary>
    /// Loads <paramref name="path"/> as a [height, width, channels] float32 tensor. Throws
    /// <see cref="InvalidDataException"/> naming the file and the reason when it is not a readable image.
    /// </summary>
    /// <param name="path">The image file.</param>
    /// <param name="targetSize">(height, width) to resize to.</param>
    /// <param name="colorMode">"rgb", "grayscale" or "rgba".</param>
    /// <param name="interpolation">Resizing filter, as in <c>FlowFromDirectory</c>.</param>
    public static Tensor Load(string path, Size2 targetSize, string colorMode = "rgb", string interpolation = "nearest")
    {
        ArgumentNullException.ThrowIfNull(path);
        var size = (targetSize ?? throw new ArgumentNullException(nameof(targetSize))).Validate(nameof(targetSize));
        var color = EnumText.Parse<ColorMode>(colorMode, nameof(colorMode));
        var interp = EnumText.Parse<Interpolation>(interpolation, nameof(interpolation));
        int slotChannels = ImageDecoder.SlotChannels(color);                 // RGBA for rgb and rgba, 1 byte for grayscale
        var pixels = new byte[size.Rows * size.Cols * slotChannels];
        try
        {
            ImageDecoder.Decode(File.ReadAllBytes(path), pixels, size.Rows, size.Cols, color, interp, keepAspectRatio: false);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            var failure = ImageDecodeException.From(e);
            throw new InvalidDataException($"Image \"{path}\" cannot be loaded: {failure.Message}", e);
        }
        int channels = color.Channels();                                    // the decoder packs the image at the start
        using var bytes = tensor(pixels[..(size.Rows * size.Cols * channels)], new long[] { size.Rows, size.Cols, channels });
        return bytes.to(ScalarType.Float32);
    }
}
