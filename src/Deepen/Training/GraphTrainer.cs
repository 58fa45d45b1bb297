using Deepen.Callbacks;
using Deepen.Losses;
using Deepen.Metrics;
using Deepen.Models;
using static TorchSharp.torch;

namespace Deepen.Training;

/// <summary>
/// The loops behind <c>Fit/Evaluate/Predict</c> for functional models with several inputs or outputs. The loss is
/// the weighted sum of one loss per output; logs follow Keras: <c>loss</c> (the total), and, with several outputs,
/// <c>&lt;output&gt;_loss</c> and <c>&lt;output&gt;_&lt;metric&gt;</c> per output. Single-input, single-output
/// models use <see cref="Trainer"/>.
/// </summary>
internal sealed class GraphTrainer
{
    readonly Model _model;
    readonly FunctionalGraph _graph;
    readonly Loss[] _losses;
    readonly double[] _weights;
    readonly bool[] _fused;
    readonly string[] _prefixes;

    public GraphTrainer(Model model)
    {
        _model = model;
        _graph = model.Graph;
        _losses = model.Losses.ToArray();
        _weights = model.LossWeights.ToArray();
        int n = _graph.Outputs.Count;
        _fused = Enumerable.Range(0, n).Select(i => !_losses[i].FromLogits && _losses[i].LogitsActivation is string a && a == _graph.FinalActivation(i)).ToArray();
        _prefixes = n == 1 ? new[] { "" } : model.OutputNames.Select(o => o + "_").ToArray();
    }

    /// <summary>Per-output metrics, named as Keras names them.</summary>
    List<Metric>[] CreateMetrics(IReadOnlyList<Tensor> ys)
    {
        var result = new List<Metric>[_graph.Outputs.Count];
        for (int i = 0; i < result.Length; i++)
        {
            var shape = _graph.Outputs[i].Shape;
            bool sparse = ys[i].dim() < shape.Rank + 1 || (shape[-1] > 1 && ys[i].shape[^1] == 1);
            result[i] = _model.CompiledMetrics.Select(m => m is Metric metric ? metric : MetricRegistry.Get((string)m, _losses[i], shape[-1], sparse)).ToList();
        }
        return result;
    }

    public History Fit(Tensor[] xs, Tensor[] ys, int epochs, int batchSize, (Tensor[] X, Tensor[] Y)? validation, bool shuffle,
        IEnumerable<Callback>? callbacks, int verbose, int initialEpoch)
    {
        Distributed.DataParallel.ThrowIfDistributed("Fit on a model with several inputs or outputs"); // Distributed: not sharded yet
        var history = new History();
        var cbs = (callbacks ?? Enumerable.Empty<Callback>()).ToList();
        foreach (var cb in cbs) cb.Model = _model;
        _model.StopTraining = false;
        var empty = new Dictionary<string, double>();
        _model.EnsureOptimizerBound();
        foreach (var cb in cbs) cb.OnTrainBegin(empty);
        if (_model.InitialEpochFromCallback is int resumed)           // a backup was restored (Keras: model._initial_epoch)
        {
            initialEpoch = Math.Max(initialEpoch, resumed);
            _model.InitialEpochFromCallback = null;
        }

        using var total = new Metrics.Mean("loss");
        var perOutput = _losses.Select((_, i) => new Metrics.Mean(_prefixes[i] + "loss")).ToArray();
        var metrics = CreateMetrics(ys);
        var random = Backend.NewShuffleRandom();
        // A run resumed at initialEpoch replays the earlier epochs' draws, so it gets the orders an uninterrupted run
        // would have used (as TensorBatchSource does).
        if (shuffle)
            for (int skipped = 0; skipped < initialEpoch; skipped++) random.Shuffle(new long[xs[0].shape[0]]);
        long count = xs[0].shape[0];
        int batches = (int)((count + batchSize - 1) / batchSize);
        var lastLogs = new Dictionary<string, double>();
        try
        {
            for (int epoch = initialEpoch; epoch < epochs && !_model.StopTraining; epoch++)
            {
                if (verbose > 0) Console.WriteLine($"Epoch {epoch + 1}/{epochs}");
                foreach (var cb in cbs) cb.OnEpochBegin(epoch, empty);
                total.ResetState();
                foreach (var m in perOutput) m.ResetState();
                foreach (var list in metrics) list.ForEach(m => m.ResetState());
                var bar = verbose > 0 ? new ProgressBar(batches, live: verbose == 1 ? null : false) : null;
                long[]? order = null;
                if (shuffle)
                {
                    order = Enumerable.Range(0, (int)count).Select(i => (long)i).ToArray();
                    random.Shuffle(order);
                }
                int step = 0;
                for (long start = 0; start < count && !_model.StopTraining; start += batchSize)
                {
                    long n = Math.Min(batchSize, count - start);
                    foreach (var cb in cbs) cb.OnTrainBatchBegin(step);
                    float? lossValue = null;
                    using (var scope = NewDisposeScope())
                    {
                        var bx = Slice(xs, order, start, n);
                        var by = Slice(ys, order, start, n);
                        var outputs = Forward(bx, training: true, _fused);
                        var loss = Losses(by, outputs, perOutput, n);
                        var optimizer = _model.Optimizer!;
                        optimizer.ZeroGrad();
                        if (loss.requires_grad)                 // false when every weight is frozen
                        {
                            loss.backward();
                            optimizer.Step();
                        }
                        total.Update(loss, n);
                        using (no_grad()) UpdateMetrics(metrics, by, outputs);
                        if (cbs.Count > 0) lossValue = loss.item<float>();
                    }
                    step++;
                    foreach (var cb in cbs) cb.OnTrainBatchEnd(step - 1, () => lossValue ?? double.NaN);
                    if (bar is not null && bar.ShouldDraw(step)) bar.Update(step, Logs(total, perOutput, metrics, ""));
                }
                var logs = Logs(total, perOutput, metrics, "");
                if (validation is (Tensor[] vx, Tensor[] vy))
                    foreach (var (k, v) in Evaluate(vx, vy, batchSize, 0, metrics)) logs["val_" + k] = v;
                bar?.Finish(step, logs);
                foreach (var cb in cbs) cb.OnEpochEnd(epoch, logs);
                history.Append(epoch, logs);
                lastLogs = logs;
            }
        }
        finally
        {
            foreach (var m in perOutput) m.Dispose();
        }
        if (epochs > initialEpoch) _model.Optimizer?.FinalizeVariableValues(); // Keras: EMA weights at the end of fit
        foreach (var cb in cbs) cb.OnTrainEnd(lastLogs);
        return history;
    }

    Tensor[] Slice(Tensor[] data, long[]? order, long start, long n)
    {
        var device = _model.Device;
        if (order is null) return data.Select(t => t.narrow(0, start, n).to(device)).ToArray();
        var idx = tensor(order.AsSpan((int)start, (int)n).ToArray());
        return data.Select(t => t.index_select(0, idx.device == t.device ? idx : idx.to(t.device)).to(device)).ToArray();
    }

    Tensor Losses(Tensor[] ys, Tensor[] outputs, Metrics.Mean[] perOutput, long n)
    {
        Tensor? total = null;
        for (int i = 0; i < outputs.Length; i++)
        {
            var l = _losses[i].Compute(ys[i], outputs[i], _fused[i] || _losses[i].FromLogits, null);
            if (outputs.Length > 1) perOutput[i].Update(l.detach(), n);
            var weighted = _weights[i] == 1 ? l : l * _weights[i];
            total = total is null ? weighted : total + weighted;
        }
        return total!;
    }

    void UpdateMetrics(List<Metric>[] metrics, Tensor[] ys, Tensor[] outputs)
    {
        for (int i = 0; i < outputs.Length; i++)
        {
            if (metrics[i].Count == 0) continue;
            var o = outputs[i].detach();
            var probs = _fused[i] ? Activations.Activations.Get(_graph.FinalActivation(i))(o)
                : _losses[i].FromLogits ? (_losses[i].LogitsActivation == "sigmoid" ? o.sigmoid() : o.softmax(-1)) : o;
            foreach (var m in metrics[i]) m.UpdateState(ys[i], probs);
        }
    }

    Dictionary<string, double> Logs(Metrics.Mean total, Metrics.Mean[] perOutput, List<Metric>[] metrics, string prefix)
    {
        var logs = new Dictionary<string, double> { [prefix + "loss"] = total.Result() };
        if (perOutput.Length > 1)
            foreach (var m in perOutput) logs[prefix + m.Name] = m.Result();
        for (int i = 0; i < metrics.Length; i++)
            foreach (var m in metrics[i]) logs[prefix + _prefixes[i] + m.Name] = m.Result();
        return logs;
    }

    public Dictionary<string, double> Evaluate(Tensor[] xs, Tensor[] ys, int batchSize, int verbose, List<Metric>[]? metrics = null)
    {
        using var total = new Metrics.Mean("loss");
        var perOutput = _losses.Select((_, i) => new Metrics.Mean(_prefixes[i] + "loss")).ToArray();
        metrics ??= CreateMetrics(ys);
        foreach (var list in metrics) list.ForEach(m => m.ResetState());
        long count = xs[0].shape[0];
        int batches = (int)((count + batchSize - 1) / batchSize);
        var bar = verbose > 0 ? new ProgressBar(batches, live: verbose == 1 ? null : false) : null;
        int step = 0;
        try
        {
            for (long start = 0; start < count; start += batchSize)
            {
                long n = Math.Min(batchSize, count - start);
                using (var scope = NewDisposeScope())
                using (no_grad())
                {
                    var bx = Slice(xs, null, start, n);
                    var by = Slice(ys, null, start, n);
                    var outputs = Forward(bx, training: false, _fused);
                    total.Update(Losses(by, outputs, perOutput, n), n);
                    UpdateMetrics(metrics, by, outputs);
                }
                step++;
                if (bar is not null && bar.ShouldDraw(step)) bar.Update(step, Logs(total, perOutput, metrics, ""));
            }
            var logs = Logs(total, perOutput, metrics, "");
            bar?.Finish(step, logs);
            return logs;
        }
        finally
        {
            foreach (var m in perOutput) m.Dispose();
        }
    }

    /// <summary>The graph's outputs under the model's precision policy, always float32 (see <c>Model.Run</c>).</summary>
    Tensor[] Forward(IReadOnlyList<Tensor> inputs, bool training, IReadOnlyList<bool>? logits)
    {
        if (!_model.DTypePolicy.IsMixed) return _graph.Forward(inputs, training, logits);
        using var autocast = MixedPrecision.Autocast.Enter(_model.DTypePolicy);
        var outputs = _graph.Forward(inputs, training, logits);
        for (int i = 0; i < outputs.Length; i++)
            if (outputs[i].dtype != ScalarType.Float32) { var o = outputs[i]; outputs[i] = o.to(ScalarType.Float32); o.Dispose(); }
        return outputs;
    }

    public Tensor[] Predict(Tensor[] xs, int batchSize)
    {
        long count = xs[0].shape[0];
        var parts = new List<Tensor>[_graph.Outputs.Count];
        for (int i = 0; i < parts.Length; i++) parts[i] = new List<Tensor>();
        try
        {
            for (long start = 0; start < count; start += batchSize)
            {
                long n = Math.Min(batchSize, count - start);
                using var scope = NewDisposeScope();
                using var _ = no_grad();
                var outputs = Forward(Slice(xs, null, start, n), training: false, null);
                for (int i = 0; i < outputs.Length; i++) parts[i].Add(outputs[i].cpu().MoveToOuterDisposeScope());
            }
            return parts.Select(p => p.Count == 1 ? p[0].alias() : cat(p, 0)).ToArray();
        }
        finally
        {
            foreach (var p in parts) foreach (var t in p) t.Dispose();
        }
    }
}
