using Deepen.Imaging;
using Deepen.Data;
using Deepen.Models;
using Deepen.Training;
using Deepen.Utils;
using static TorchSharp.torch;

namespace Deepen.Reports;

/// <summary>
/// The one pass over the evaluation data behind a <see cref="Report"/>: predicts each batch, turns outputs into
/// class probabilities and targets into class indices, computes per-sample cross-entropy, and keeps copies of
/// only the images the figures need (<see cref="GridCount"/> samples spread evenly over the data — every
/// <see cref="GridStride"/>-th one — and the running top losses). For texts (already vectorized by the model's first
/// layer) no images are kept and there is no grid: the report shows the texts themselves.
/// </summary>
internal sealed class EvaluationPass
{
    /// <summary>How many images the prediction grid shows (the seed's 5×5).</summary>
    public const int GridCount = 25;

    const double Epsilon = 1e-7;

    readonly int _classes;
    readonly bool _binary;
    readonly int _topCount;
    readonly bool _keepImages;
    readonly List<(double Loss, int Index)> _top = new();

    /// <summary>The prediction grid shows samples 0, s, 2s, … so it spans the whole set (class folders come in order).</summary>
    public int GridStride { get; private set; } = 1;

    /// <summary>The sample indices the prediction grid shows.</summary>
    public IReadOnlyList<int> GridIndices => !_keepImages ? Array.Empty<int>() :
        Enumerable.Range(0, GridCount).Select(k => k * GridStride).Where(i => i < Count).ToArray();

    bool IsGrid(int index) => index % GridStride == 0 && index / GridStride < GridCount;

    public List<int> Labels { get; } = new();
    public List<int> Predictions { get; } = new();
    public List<double> Losses { get; } = new();
    /// <summary>Class probabilities, row-major [samples, classes].</summary>
    public List<float> Probabilities { get; } = new();
    /// <summary>The kept images by sample index.</summary>
    public Dictionary<int, ReportImage> Images { get; } = new();
    public int Count => Labels.Count;
    /// <summary>Whether the model has one sigmoid unit (two classes).</summary>
    public bool Binary => _binary;

    /// <summary>The top-loss sample indices, highest loss first (ties: earlier sample first).</summary>
    public IReadOnlyList<int> TopIndices => _top.Select(t => t.Index).ToArray();

    EvaluationPass(int classes, bool binary, int topCount, bool keepImages)
    {
        _keepImages = keepImages;
        _classes = classes;
        _binary = binary;
        _topCount = topCount;
    }

    /// <summary>The id of each sample (its file path, its row number), in data order, when the data gives them.</summary>
    public IReadOnlyList<string>? Ids { get; private set; }
    /// <summary>The compiled loss and metrics of the same pass, when asked for.</summary>
    public IReadOnlyDictionary<string, double>? Scores { get; private set; }

    /// <summary>
    /// Runs the pass: the trainer's prediction loop (one probability rule, ids from the batches) with each batch
    /// handed here before it is released. <paramref name="classNames"/> is checked against the model's output size.
    /// With <paramref name="images"/> the inputs must be images (the figures show some of them); otherwise they are
    /// any tensors (vectorized texts) and none is kept.
    /// </summary>
    public static EvaluationPass Run(Model model, IBatchSource data, IReadOnlyList<string> classNames, int topCount, bool evaluate = false, bool images = true)
    {
        EvaluationPass? pass = null;
        void Observe(Batch batch, Tensor probabilities)
        {
            if (images) CheckImages(batch.X);
            if (batch.Y is null)
                throw ReportCheck.Described("data", "batches without labels (Y is null)", images ? "batches with images X and labels Y" : "labelled samples");
            if (batch.Size == 0) return;
            if (pass is null)
            {
                pass = Create(model, probabilities, classNames, topCount, images);
                // A lower bound of the sample count (only the last batch may be smaller), so every grid index exists.
                long atLeast = (long)(data.BatchesPerEpoch - 1) * batch.Size + 1;
                pass.GridStride = (int)Math.Max(1, atLeast / GridCount);
            }
            pass.Add(batch, probabilities);
        }
        Predictions predictions;
        try { predictions = new Trainer(model).Predict(data, verbose: 0, withLoss: false, Observe, keepProbabilities: false, evaluate: evaluate && model.IsCompiled); }
        catch (ArgumentException e) when (e.Message == "The prediction data yielded no batches.") { predictions = null!; }
        using (predictions)
        {
            if (pass is null || pass.Count == 0)
                throw ReportCheck.Described("data", "a batch source that yielded no samples", $"at least one evaluation {(images ? "image" : "sample")} with its label");
            pass.Ids = predictions.Ids;
            pass.Scores = predictions.Scores;
        }
        return pass;
    }

    static EvaluationPass Create(Model model, Tensor output, IReadOnlyList<string> classNames, int topCount, bool keepImages)
    {
        if (output.dim() != 2)
            throw ReportCheck.Described("model", $"a model whose output has shape ({string.Join(", ", output.shape)})",
                "a classifier whose output is (batch, classes) or (batch, 1) for a sigmoid binary classifier");
        int units = (int)output.shape[1];
        bool binary = units == 1;
        int classes = binary ? 2 : units;
        if (classNames.Count != classes)
            throw Check.Invalid("classNames", classNames,
                binary
                    ? $"2 names (for label 0 and label 1) because the model has one sigmoid output; got {classNames.Count}"
                    : $"{classes} names, one per model output (output shape (None, {units})); got {classNames.Count}");
        return new EvaluationPass(classes, binary, topCount, keepImages);
    }

    static void CheckImages(Tensor x)
    {
        if (x.dim() != 4 || x.shape[3] is not (1 or 3 or 4))
            throw ReportCheck.Described("data", $"inputs X of shape ({string.Join(", ", x.shape)})",
                "images in Keras layout (batch, height, width, channels) with 1 (grey), 3 (RGB) or 4 (RGBA) channels");
    }

    void Add(Batch batch, Tensor probabilities)
    {
        int n = (int)batch.Size;
        float[] probs = ToClassProbabilities(probabilities);
        int[] labels = ToLabels(batch.Y!, n);
        int offset = Count;
        float[]? pixels = null;
        for (int i = 0; i < n; i++)
        {
            int index = offset + i;
            var row = new ReadOnlySpan<float>(probs, i * _classes, _classes);
            int predicted = _binary ? (row[1] > 0.5f ? 1 : 0) : ArgMax(row);
            double loss = -Math.Log(Math.Clamp(row[labels[i]], Epsilon, 1 - Epsilon));
            Labels.Add(labels[i]);
            Predictions.Add(predicted);
            Losses.Add(loss);
            foreach (float p in row) Probabilities.Add(p);
            bool inGrid = IsGrid(index), inTop = OfferTop(loss, index);
            if (_keepImages && (inGrid || inTop))
            {
                int h = (int)batch.X.shape[1], w = (int)batch.X.shape[2], c = (int)batch.X.shape[3], size = h * w * c;
                pixels ??= ToFloats(batch.X);
                Images[index] = new ReportImage(h, w, c, pixels.AsSpan(i * size, size).ToArray());
            }
        }
    }

    /// <summary>Keeps the top losses; returns whether <paramref name="index"/> entered them.</summary>
    bool OfferTop(double loss, int index)
    {
        if (_topCount == 0) return false;
        if (_top.Count == _topCount && !(loss > _top[^1].Loss)) return false;
        int at = _top.FindIndex(t => loss > t.Loss);
        _top.Insert(at < 0 ? _top.Count : at, (loss, index));
        if (_top.Count > _topCount)
        {
            int dropped = _top[^1].Index;
            _top.RemoveAt(_top.Count - 1);
            if (!(_keepImages && IsGrid(dropped))) Images.Remove(dropped);
        }
        return true;
    }

    /// <summary>The batch's probabilities as rows of class probabilities (one sigmoid unit p becomes [1 − p, p]).</summary>
    float[] ToClassProbabilities(Tensor probabilities)
    {
        using var scope = NewDisposeScope();
        var o = probabilities.detach().cpu().to(ScalarType.Float32);
        if (_binary) o = cat(new[] { 1 - o, o }, 1);
        return o.contiguous().data<float>().ToArray();
    }

    int[] ToLabels(Tensor y, int n)
    {
        using var scope = NewDisposeScope();
        var t = y.detach().cpu();
        if (t.dim() == 2 && t.shape[1] == 1) t = t.squeeze(1);
        else if (t.dim() == 2 && t.shape[1] == _classes && !_binary) t = t.argmax(1);
        else if (t.dim() != 1)
            throw ReportCheck.Described("data", $"labels Y of shape ({string.Join(", ", y.shape)})",
                _binary
                    ? "labels of shape (batch) or (batch, 1) holding 0 or 1"
                    : $"class indices of shape (batch) or one-hot labels of shape (batch, {_classes})");
        var values = t.to(ScalarType.Float64).contiguous().data<double>().ToArray();
        var labels = new int[n];
        for (int i = 0; i < n; i++)
        {
            double v = values[i];
            int label = _binary && t.is_floating_point() ? (v > 0.5 ? 1 : 0) : (int)Math.Round(v);
            bool whole = _binary && t.is_floating_point() ? v is >= 0 and <= 1 : v == Math.Round(v);
            if (!whole || label < 0 || label >= _classes)
                throw ReportCheck.Described("data", $"a label {Check.Format(v)} at sample {Count + i}",
                    _binary ? "labels 0 or 1 for a one-unit sigmoid model" : $"class indices from 0 to {_classes - 1}, one per class name");
            labels[i] = label;
        }
        return labels;
    }

    static float[] ToFloats(Tensor x)
    {
        using var f = x.detach().cpu().to(ScalarType.Float32).contiguous();
        return f.data<float>().ToArray();
    }

    static int ArgMax(ReadOnlySpan<float> row)
    {
        int best = 0;
        for (int k = 1; k < row.Length; k++) if (row[k] > row[best]) best = k;
        return best;
    }
}
