using System.Text.Json;
using Deepen.Layers;
using Deepen.Models;
using static TorchSharp.torch;

namespace Deepen.Tests.Saving.WeightFiles;

/// <summary>
/// The files of tests/Deepen.Tests/Saving/Fixtures, written by make_fixtures.py with h5py and PyTorch, and the
/// Deepen models that match the networks they hold.
/// </summary>
internal static class Fixtures
{
    public static string Path(string name) => System.IO.Path.Combine(AppContext.BaseDirectory, "Saving", "Fixtures", name);

    /// <summary>The input and the output the Python side computed for it (Keras layout: channels last).</summary>
    public static (Tensor X, Tensor Y) InputOutput(string name)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path(name)));
        Tensor Read(string values, string shape) => tensor(
            doc.RootElement.GetProperty(values).EnumerateArray().Select(e => (float)e.GetDouble()).ToArray(),
            doc.RootElement.GetProperty(shape).EnumerateArray().Select(e => e.GetInt64()).ToArray());
        return (Read("input", "input_shape"), Read("output", "output_shape"));
    }

    /// <summary>The Keras CNN of keras_cnn.*: Conv2D(3, 3×3, relu) → BatchNormalization → MaxPooling2D → Flatten → Dense(4, relu) → Dense(3, softmax).</summary>
    public static Sequential KerasCnn(int headUnits = 3, string? headName = null) => new(
        new Conv2D(3, (3, 3), activation: "relu", inputShape: (6, 6, 2)),
        new BatchNormalization(),
        new MaxPooling2D((2, 2)),
        new Flatten(),
        new Dense(4, activation: "relu"),
        new Dense(headUnits, activation: "softmax", name: headName));

    /// <summary>
    /// The PyTorch CNN of torch_cnn.*: conv (3, 3×3) → bn (PyTorch's epsilon 1e-5) → ReLU → MaxPool 2 → flatten → fc1 (4,
    /// ReLU) → fc2 (3). With <paramref name="torchNames"/> its layers carry the PyTorch module names.
    /// </summary>
    public static Sequential TorchCnn(bool torchNames = false, int kernel = 3, int fc2Units = 3) => new(
        new Conv2D(3, (kernel, kernel), inputShape: (6, 6, 2), name: torchNames ? "conv" : null),
        new BatchNormalization(epsilon: 1e-5, name: torchNames ? "bn" : null),
        new Activation("relu"),
        new MaxPooling2D((2, 2)),
        new Flatten(),
        new Dense(4, activation: "relu", name: torchNames ? "fc1" : null),
        new Dense(fc2Units, name: torchNames ? "fc2" : null));

    public static List<Tensor> Copy(IEnumerable<Weight> weights) => weights.Select(w => w.Value.detach().clone()).ToList();
}
