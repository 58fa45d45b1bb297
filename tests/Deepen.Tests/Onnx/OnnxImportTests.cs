using Deepen.Data;
using Deepen.Layers;
using Deepen.Models;
using Deepen.Onnx.Ops;
using Deepen.Tests.Helpers;
using static TorchSharp.torch;

namespace Deepen.Tests.Onnx;

public class OnnxImportTests
{
    internal static string RepoFile(params string[] parts)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string path = Path.Combine(new[] { dir.FullName }.Concat(parts).ToArray());
            if (File.Exists(path)) return path;
        }
        throw new FileNotFoundException($"{Path.Combine(parts)} not found above {AppContext.BaseDirectory}.");
    }

    /// <summary>Real RGB images, 0–255, NCHW [n, 3, 224, 224]: Fashion-MNIST test images upscaled, then a crop of the README's report screenshot.</summary>
    internal static Tensor RealImages(int n)
    {
        using var scope = NewDisposeScope();
        var fashion = Idx.ReadImages(RepoFile("datasets", "fashion-mnist-demo", "t10k-images-idx3-ubyte.gz"));
        var gray = fashion[TensorIndex.Slice(0, n)].to_type(ScalarType.Float32).permute(0, 3, 1, 2);
        var big = nn.functional.interpolate(gray, new long[] { 224, 224 }, mode: InterpolationMode.Bilinear, align_corners: false);
        var rgb = big.expand(-1, 3, -1, -1).contiguous();
        var photo = Deepen.Data.Images.ImageLoader.Load(RepoFile("docs", "report.png"), new Size2(224, 224));
        var photoNchw = photo.permute(2, 0, 1).unsqueeze(0);
        if (photoNchw.max().item<float>() <= 1.0f) photoNchw = photoNchw * 255;
        rgb[TensorIndex.Slice(n - 1, n)] = photoNchw;                 // the last image is the screenshot
        return rgb.MoveToOuterDisposeScope();
    }

    [Fact]
    public void ResNet18_with_its_preprocessing_matches_OnnxRuntime_on_real_images_at_batch_1_and_3()
    {
        using var model = Model.FromOnnx([OnnxTestSupport.ResNetPreprocess, OnnxTestSupport.ResNet18]);
        Assert.Equal(new Shape(224, 224, 3), model.InputShape);                     // NHWC, RGB 0–255
        Assert.Equal(22, model.Layers.OfType<Conv2D>().Count());
        Assert.Equal(22, model.Layers.OfType<BatchNormalization>().Count());
        Assert.Contains(model.Layers.OfType<ZeroPadding2D>(), z => z.Top == 3 && z.Bottom == 2);   // the stem's asymmetric pads
        using var images = RealImages(3);
        // ONNX Runtime: the file fixes batch 1, so images go one at a time through both models.
        var expected = new List<float>();
        for (int i = 0; i < 3; i++)
        {
            using var one = images[TensorIndex.Slice(i, i + 1)];
            var prepared = OnnxTestSupport.RunFloat(OnnxTestSupport.ResNetPreprocess, one)[0];
            using var p = tensor(prepared, new long[] { 1, 3, 224, 224 });
            expected.AddRange(OnnxTestSupport.RunFloat(OnnxTestSupport.ResNet18, p)[0]);
        }
        using var nhwc = images.permute(0, 2, 3, 1).contiguous();
        using var three = model.Predict(nhwc);                                      // [3, 1, 1, 512] channels-last
        Assert.Equal(new long[] { 3, 1, 1, 512 }, three.shape);
        OnnxTestSupport.AssertClose(expected.ToArray(), three.permute(0, 3, 1, 2), what: "batch 3");
        using var first = model.Predict(nhwc[TensorIndex.Slice(0, 1)]);
        OnnxTestSupport.AssertClose(expected.Take(512).ToArray(), first.permute(0, 3, 1, 2), what: "batch 1");
    }
}
