using static TorchSharp.torch;

namespace Deepen.Training;

/// <summary>
/// Everything one prediction pass learns about each sample, as fastai's <c>get_preds(with_loss=True)</c>: its id
/// (file path or row number), the model's outputs, the probabilities by one rule (the outputs of a model ending in
/// sigmoid/softmax; the loss's activation applied to logits when the loss was compiled with <c>fromLogits</c>), the
/// targets and the per-sample loss when the data has targets. Rows are in the order the data yields them. Tensors
/// are on the CPU; dispose the object to release them.
/// </summary>
/// <example><code>
/// using var preds = model.GetPredictions(testGenerator);
/// for (int i = 0; i &lt; preds.Count; i++)
///     Console.WriteLine($"{preds.Ids![i]}: p={preds.Probabilities[0][i, 0].item&lt;float&gt;():F3} loss={preds.Losses![i].item&lt;float&gt;():F3}");
/// </code></example>
public sealed class Predictions : IDisposable
{
    internal Predictions(Tensor[] outputs, Tensor[] probabilities, Tensor[]? targets, Tensor? losses, IReadOnlyList<string>? ids)
    {
        Outputs = outputs;
        Probabilities = probabilities;
        Targets = targets;
        Losses = losses;
        Ids = ids;
    }

    /// <summary>The number of samples.</summary>
    public int Count => (int)Outputs[0].shape[0];
    /// <summary>One id per sample (a file path, a row number), or null when the data yields none.</summary>
    public IReadOnlyList<string>? Ids { get; }
    /// <summary>The model's outputs, one tensor per output: what <c>Predict</c> returns.</summary>
    public IReadOnlyList<Tensor> Outputs { get; }
    /// <summary>The outputs as probabilities, one tensor per output (see the class remarks for the rule).</summary>
    public IReadOnlyList<Tensor> Probabilities { get; }
    /// <summary>The targets, one tensor per output, when the data has them.</summary>
    public IReadOnlyList<Tensor>? Targets { get; }
    /// <summary>The loss of each sample [N] (the compiled losses, weighted and summed over outputs) when the data has targets and the model is compiled.</summary>
    public Tensor? Losses { get; }

    /// <summary>
    /// The class probabilities of output <paramref name="output"/> as rows [N, classes]: the probabilities themselves,
    /// or, for one sigmoid unit p, the two classes [1 − p, p]. A new tensor; the caller disposes it.
    /// </summary>
    /// <example><code>using var p = preds.ClassProbabilities(); long[] predicted = p.argmax(-1).data&lt;long&gt;().ToArray();</code></example>
    public Tensor ClassProbabilities(int output = 0)
    {
        var p = Probabilities[output];
        if (p.dim() != 2 || p.shape[1] != 1) return p.to(ScalarType.Float32).contiguous().alias();
        using var scope = NewDisposeScope();
        var q = p.to(ScalarType.Float32);
        return cat(new[] { 1 - q, q }, 1).contiguous().MoveToOuterDisposeScope();
    }

    /// <summary>The compiled loss and metrics over the same pass, as <c>Evaluate</c> returns them, when they were asked for.</summary>
    internal IReadOnlyDictionary<string, double>? Scores { get; init; }

    /// <summary>Releases the tensors.</summary>
    public void Dispose()
    {
        foreach (var t in Outputs) t.Dispose();
        foreach (var t in Probabilities) t.Dispose();
        foreach (var t in Targets ?? Array.Empty<Tensor>()) t.Dispose();
        Losses?.Dispose();
    }
}
