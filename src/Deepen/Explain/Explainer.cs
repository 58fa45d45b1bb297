using Deepen.Layers;
using Deepen.Models;
using Deepen.Utils;
using static TorchSharp.torch;

namespace Deepen.Explain;

/// <summary>
/// The base of Deepen's explainers: where a trained image classifier looks when it decides a class. Each method
/// computes a relevance map for one input image and one target class; the base turns it into a heatmap of the
/// input's height × width (bilinear upsampling, then scaled to [0, 1]), finds its peak, and measures how faithful it
/// is with deletion and insertion curves (<see cref="Faithfulness"/>). The model runs in inference mode (dropout off)
/// and its weights are not changed.
/// </summary>
/// <remarks>
/// Methods: <see cref="GradCam"/> ("gradcam"), <see cref="GradCamPlusPlus"/> ("gradcam++"), <see cref="ScoreCam"/>
/// ("scorecam"), <see cref="Saliency"/> ("saliency") and <see cref="SmoothGrad"/> ("smoothgrad"); <see cref="Create"/>
/// makes one by name. The image is in the model's input layout and units — what <c>Predict</c> takes for one sample.
/// The class score the gradient methods differentiate is the model's output before its final softmax/sigmoid (for a
/// one-unit sigmoid model: the logit for class 1 and its negation for class 0).
/// </remarks>
/// <example><code>
/// var gradCam = new GradCam(model);                                 // the last convolution block
/// using var e = gradCam.Explain(xTest[0]);                          // the predicted class
/// Console.WriteLine($"{e.PredictedName} {e.Probability:P0}, peak at {e.Peak}, deletion AUC {e.Faithfulness!.Deletion.Auc:F3}");
/// e.SaveOverlay("cat-gradcam.png");
/// </code></example>
public abstract class Explainer
{
    /// <summary>The method names <see cref="Create"/> accepts.</summary>
    public static IReadOnlyList<string> Methods { get; } = new[] { "gradcam", "gradcam++", "scorecam", "saliency", "smoothgrad" };

    /// <summary>Checks the model and the options and resolves the target layer of the CAM methods.</summary>
    /// <param name="model">A built classifier: output (batch, classes), or (batch, 1) for a sigmoid binary classifier.</param>
    /// <param name="options">Settings; null for the defaults.</param>
    /// <param name="usesLayer">Whether the method weighs a layer's activations (the CAM methods).</param>
    private protected Explainer(Model model, ExplainOptions? options, bool usesLayer)
    {
        ArgumentNullException.ThrowIfNull(model);
        Options = options ?? new ExplainOptions();
        Options.Validate();
        if (!model.Built || model.InputShape is null || model.OutputShape is null)
            throw new ArgumentException($"Model \"{model.Name}\" is not built yet; train it or call Build(inputShape) before explaining it.", nameof(model));
        if (model.OutputShape.Rank != 1)
            throw new ArgumentException(
                $"Model \"{model.Name}\" has outputs of shape {model.OutputShape.ToBatchString()}; the explainers need a classifier with outputs (None, classes) or (None, 1).", nameof(model));
        if (model.InputShape.Rank != 3)
            throw new ArgumentException(
                $"Model \"{model.Name}\" takes inputs of shape {model.InputShape.ToBatchString()}; the explainers need images (None, height, width, channels).", nameof(model));
        Model = model;
        Layer = usesLayer ? TargetLayers.Resolve(model, Options.Layer, "options.Layer") : null;
        int units = model.OutputShape[0];
        Classes = units == 1 ? 2 : units;
    }

    /// <summary>The model explained.</summary>
    public Model Model { get; }
    /// <summary>The settings.</summary>
    public ExplainOptions Options { get; }
    /// <summary>The layer whose activations the CAM methods weigh; null for Saliency and SmoothGrad.</summary>
    public Layer? Layer { get; }
    /// <summary>The number of classes (2 for a one-unit sigmoid model).</summary>
    public int Classes { get; }
    /// <summary>The method's name: "gradcam", "gradcam++", "scorecam", "saliency" or "smoothgrad".</summary>
    public abstract string Method { get; }

    /// <summary>Creates the explainer named <paramref name="method"/> (one of <see cref="Methods"/>, case-insensitive).</summary>
    /// <example><code>var explainer = Explainer.Create("gradcam++", model, new ExplainOptions { Layer = "conv2d_1" });</code></example>
    public static Explainer Create(string method, Model model, ExplainOptions? options = null) =>
        Check.OneOf(method, nameof(method), Methods.ToArray()) switch
        {
            "gradcam" => new GradCam(model, options),
            "gradcam++" => new GradCamPlusPlus(model, options),
            "scorecam" => new ScoreCam(model, options),
            "saliency" => new Saliency(model, options),
            _ => new SmoothGrad(model, options),
        };

    /// <summary>
    /// Explains the model's decision for one image: the heatmap of where it looks for <paramref name="targetClass"/>
    /// (default: the predicted class), the probabilities and, unless <see cref="ExplainOptions.FaithfulnessSteps"/> is 0,
    /// the faithfulness scores.
    /// </summary>
    /// <param name="image">One image, (height, width, channels) or (1, height, width, channels), as the model takes it.</param>
    /// <param name="targetClass">The class index to explain; null for the predicted class.</param>
    /// <example><code>using var dog = explainer.Explain(image, targetClass: 1);</code></example>
    public Explanation Explain(Tensor image, int? targetClass = null)
    {
        ArgumentNullException.ThrowIfNull(image);
        if (targetClass is int t && (t < 0 || t >= Classes))
            throw Check.Invalid(nameof(targetClass), t, $"a class index from 0 to {Classes - 1}, or null for the predicted class");
        using var scope = NewDisposeScope();
        var x = Prepare(image);
        float[] probabilities;
        using (no_grad())
        using (var output = Logits(Model, x))
            probabilities = Probabilities(output)[0];
        int predicted = ArgMax(probabilities);
        int target = targetClass ?? predicted;
        int height = (int)x.shape[1], width = (int)x.shape[2];

        Tensor heatmap;
        using (var relevance = Attribute(x, target))
            heatmap = Heatmaps.Normalize(Heatmaps.Resize(relevance.detach().to(ScalarType.Float32), height, width)).cpu();
        var faithfulness = Options.FaithfulnessSteps == 0 ? null
            : Faithfulness.Measure(Model, x[0], heatmap, target, Options.FaithfulnessSteps, Options.Baseline, Options.RandomOrders, Options.Seed, Options.BatchSize);
        var copy = x[0].detach().cpu().to(ScalarType.Float32).contiguous();
        return new Explanation(Method, Layer?.Name, target, ClassName(target), predicted, ClassName(predicted), probabilities,
            heatmap.MoveToOuterDisposeScope(), copy.MoveToOuterDisposeScope(), faithfulness);
    }

    /// <summary>Explains the class named <paramref name="className"/> (one of the model's <see cref="Model.ClassNames"/>).</summary>
    /// <example><code>using var e = explainer.Explain(image, "dog");</code></example>
    public Explanation Explain(Tensor image, string className)
    {
        ArgumentNullException.ThrowIfNull(className);
        return Explain(image, ClassIndex(className));
    }

    /// <summary>The index of <paramref name="className"/>: a name from <see cref="Model.ClassNames"/>, or an index written as digits.</summary>
    public int ClassIndex(string className)
    {
        ArgumentNullException.ThrowIfNull(className);
        if (Model.ClassNames is { } names && names.Count == Classes)
        {
            int i = names.ToList().IndexOf(className);
            if (i >= 0) return i;
        }
        if (int.TryParse(className, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int k) && k < Classes) return k;
        throw Check.Invalid(nameof(className), className,
            Model.ClassNames is { } n && n.Count == Classes
                ? "one of the model's classes: " + string.Join(", ", n.Select(c => $"\"{c}\""))
                : $"a class index from 0 to {Classes - 1} (the model has no class names)");
    }

    /// <summary>
    /// The relevance of each position for <paramref name="target"/>: a (rows, cols) map, at the input's resolution or
    /// coarser (a layer's), larger meaning more relevant. The base upsamples and scales it.
    /// </summary>
    /// <param name="x">The image as a batch of one, on the model's device.</param>
    /// <param name="target">The class index.</param>
    private protected abstract Tensor Attribute(Tensor x, int target);

    /// <summary>The score the gradient methods differentiate: per sample, the target's output before the final activation.</summary>
    private protected Tensor Score(Tensor logits, int target)
    {
        if (logits.shape[1] == 1) return target == 1 ? logits[.., 0] : -logits[.., 0];
        return logits[.., target];
    }

    /// <summary>The class probabilities of each row of the model's pre-activation outputs.</summary>
    internal float[][] Probabilities(Tensor logits) => ClassProbabilities(Model, logits);

    /// <summary>
    /// Class probabilities from a model's outputs before its final activation: sigmoid for one unit, softmax when the
    /// model ends in softmax or its outputs are not already probabilities, else the outputs as they are.
    /// </summary>
    internal static float[][] ClassProbabilities(Model model, Tensor logits)
    {
        using var scope = NewDisposeScope();
        var o = logits.detach().cpu().to(ScalarType.Float32);
        bool activated = UsesLogits(model);      // the final sigmoid/softmax was left out: apply it
        bool inRange = o.ge(0).all().item<bool>() && o.le(1).all().item<bool>();
        Tensor p;
        if (o.shape[1] == 1)
        {
            var s = activated || !inRange ? o.sigmoid() : o;
            p = cat(new[] { 1 - s, s }, 1);
        }
        else
        {
            bool distribution = inRange && o.sum(1).sub(1).abs().le(1e-3).all().item<bool>();
            p = activated || !distribution ? o.softmax(1) : o;
        }
        var flat = p.contiguous().data<float>().ToArray();
        int k = (int)p.shape[1];
        return Enumerable.Range(0, (int)p.shape[0]).Select(i => flat.AsSpan(i * k, k).ToArray()).ToArray();
    }

    /// <summary>Whether the model ends in sigmoid/softmax, which <see cref="Logits"/> leaves out.</summary>
    internal static bool UsesLogits(Model model) => model.FinalActivation is "softmax" or "sigmoid";

    /// <summary>The model's outputs before a final sigmoid/softmax (other final activations are kept).</summary>
    internal static Tensor Logits(Model model, Tensor x) => model.Forward(x, training: false, logits: UsesLogits(model));

    /// <summary>The probability of <paramref name="target"/> for each image of a batch (no gradients).</summary>
    internal float[] TargetProbabilities(Tensor batch, int target) => TargetProbabilities(Model, batch, target, Options.BatchSize);

    internal static float[] TargetProbabilities(Model model, Tensor batch, int target, int batchSize)
    {
        var result = new List<float>();
        using var _ = no_grad();
        for (long start = 0; start < batch.shape[0]; start += batchSize)
        {
            using var scope = NewDisposeScope();
            var chunk = batch.narrow(0, start, Math.Min(batchSize, batch.shape[0] - start));
            var logits = Logits(model, chunk);
            result.AddRange(ClassProbabilities(model, logits).Select(row => row[target]));
        }
        return result.ToArray();
    }

    Tensor Prepare(Tensor image)
    {
        var expected = Model.InputShape!;
        var shape = image.shape;
        bool single = shape.Length == 3 || (shape.Length == 4 && shape[0] == 1);
        var dims = shape.Length == 4 ? shape.Skip(1).ToArray() : shape;
        if (!single || dims.Length != 3 || !dims.Select(d => (int)d).SequenceEqual(expected))
            throw ReportsCheck($"one image of shape ({string.Join(", ", expected)}) or (1, {string.Join(", ", expected)}), as the model takes it",
                $"a tensor of shape ({string.Join(", ", shape)})");
        if (!image.is_floating_point()) image = image.to(ScalarType.Float32);
        var x = (shape.Length == 3 ? image.unsqueeze(0) : image.alias()).to(Model.Device).detach();
        if (!x.isfinite().all().item<bool>()) throw ReportsCheck("an image of finite values", "an image containing NaN or infinity");
        return x;
    }

    static ArgumentException ReportsCheck(string expected, string received) =>
        new($"Invalid value received for argument `image`. Expected {expected}. Received: {received}.", "image");

    string ClassName(int index) =>
        Model.ClassNames is { } names && names.Count == Classes ? names[index] : index.ToString(System.Globalization.CultureInfo.InvariantCulture);

    static int ArgMax(float[] values)
    {
        int best = 0;
        for (int i = 1; i < values.Length; i++) if (values[i] > values[best]) best = i;
        return best;
    }
}
