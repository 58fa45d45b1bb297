using System.Diagnostics;
using System.Reflection;
using Deepen.Layers;
using Deepen.Models;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using TorchSharp;
using static TorchSharp.torch;
using Tensor = TorchSharp.torch.Tensor;

namespace Deepen.Benchmarks;

/// <summary>
/// Inference side by side (issue 12): Deepen's <c>Predict</c> vs ONNX Runtime on the file Deepen exported, for the
/// seed CNN (150×150×3) and the imported ResNet-18 with its preprocessing (224×224×3): batch-1 latency (median
/// and p10 over <c>steps</c> calls) and batch-64 throughput (images per second over 3 calls). Both sides get the
/// same NHWC input and the same number of threads; cases alternate per round so machine noise hits both.
/// </summary>
public static class OnnxInference
{
    public static void Run(int threads, int warmup, int steps, int rounds)
    {
        torch.set_num_threads(threads);
        string folder = Path.Combine(Path.GetTempPath(), "deepen-onnx-bench");
        Directory.CreateDirectory(folder);
        Backend.SetRandomSeed(42);
        var seed = new Sequential(new Layer[]
        {
            new Rescaling(1.0 / 255, inputShape: (150, 150, 3)),
            new Conv2D(32, (3, 3), activation: "relu"), new MaxPooling2D(2),
            new Conv2D(64, (3, 3), activation: "relu"), new MaxPooling2D(2),
            new Conv2D(128, (3, 3), activation: "relu"), new MaxPooling2D(2),
            new Conv2D(128, (3, 3), activation: "relu"), new MaxPooling2D(2),
            new Flatten(), new Dense(512, activation: "relu"), new Dense(1, activation: "sigmoid"),
        }, name: "seed_cnn");
        seed.Build(seed.InputShape!);
        string root = typeof(OnnxInference).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().First(a => a.Key == "ResNet18Package").Value!;
        string models = Path.Combine(root, "tools", "DnnImageModels");
        var resnet = Model.FromOnnx([Path.Combine(models, "ResNetPrepOnnx", "ResNetPreprocess.onnx"), Path.Combine(models, "ResNet18Onnx", "ResNet18.onnx")]);
        foreach (var (name, model) in new[] { ("seed_cnn", (Model)seed), ("resnet18", resnet) })
        {
            string path = Path.Combine(folder, name + ".onnx");
            model.ExportOnnx(path);
            using var options = new SessionOptions { IntraOpNumThreads = threads, InterOpNumThreads = 1, GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL };
            using var session = new InferenceSession(path, options);
            var deepen1 = new List<double>(); var ort1 = new List<double>();
            var deepen64 = new List<double>(); var ort64 = new List<double>();
            using var x1 = rand(model.InputShape!.WithBatch(1)) * 255;
            using var x64 = rand(model.InputShape!.WithBatch(64)) * 255;
            for (int r = 0; r < rounds; r++)
            {
                deepen1.AddRange(Time(() => model.Predict(x1, batchSize: 1).Dispose(), r == 0 ? warmup : 1, steps));
                ort1.AddRange(Time(() => Ort(session, x1), r == 0 ? warmup : 1, steps));
                deepen64.AddRange(Time(() => model.Predict(x64, batchSize: 64).Dispose(), 1, 1));
                ort64.AddRange(Time(() => Ort(session, x64), 1, 1));
            }
            var extra = new Dictionary<string, object> { ["threads"] = threads, ["rounds"] = rounds };
            Console.WriteLine(Stats.JsonLine("deepen", name, "batch1_latency", deepen1, extra));
            Console.WriteLine(Stats.JsonLine("onnxruntime-1.31.1", name, "batch1_latency", ort1, extra));
            Console.WriteLine(Stats.JsonLine("deepen", name, "batch64", deepen64, extra.Append(KeyValuePair.Create("images_per_s", (object)Math.Round(64000 / Stats.Median(deepen64), 2)))));
            Console.WriteLine(Stats.JsonLine("onnxruntime-1.31.1", name, "batch64", ort64, extra.Append(KeyValuePair.Create("images_per_s", (object)Math.Round(64000 / Stats.Median(ort64), 2)))));
        }
    }

    static List<double> Time(Action action, int warmup, int steps)
    {
        for (int i = 0; i < warmup; i++) action();
        var ms = new List<double>();
        for (int i = 0; i < steps; i++)
        {
            var sw = Stopwatch.StartNew();
            action();
            ms.Add(sw.Elapsed.TotalMilliseconds);
        }
        return ms;
    }

    static void Ort(InferenceSession session, Tensor x)
    {
        using var cpu = x.contiguous();
        var input = new DenseTensor<float>(cpu.data<float>().ToArray(), x.shape.Select(d => (int)d).ToArray());
        using var results = session.Run(new[] { NamedOnnxValue.CreateFromTensor(session.InputMetadata.Keys.First(), input) });
        _ = results.First().AsEnumerable<float>().Sum();
    }
}
