using System.Diagnostics;
using Deepen.Callbacks;
using Deepen.Data;
using Deepen.Distributed;
using Deepen.Losses;
using Deepen.Metrics;
using Deepen.Models;
using static TorchSharp.torch;

namespace Deepen.Training;

/// <summary>
/// The training, evaluation and prediction loops behind <c>Model.Fit/Evaluate/Predict</c>. One step is: forward,
/// loss, zero-grad, backward, optimizer step, and on-tensor metric accumulation — nothing is read back to the host
/// unless the progress bar redraws or a callback asks for it. Every step runs in its own dispose scope.
/// </summary>
internal sealed class Trainer
{
    readonly Model _model;

    public Trainer(Model model) => _model = model;

    Loss Loss => _model.Loss!;

    /// <summary>Whether the loss can take the model's logits (cross-entropy after a matching sigmoid/softmax).</summary>
    bool FusedLogits => !Loss.FromLogits && Loss.LogitsActivation is string a && a == _model.FinalActivation;

    List<Metric> CreateMetrics(Tensor y)
    {
        int units = _model.OutputShape![-1];
        bool sparse = y.dim() < _model.OutputShape.Rank + 1 || (units > 1 && y.shape[^1] == 1);
        return _model.CompiledMetrics.Select(m => m is Metric metric ? metric : MetricRegistry.Get((string)m, Loss, units, sparse)).ToList();
    }

    public History Fit(IBatchSource train, int epochs, IBatchSource? validation, IDictionary<int, double>? classWeight,
        IEnumerable<Callback>? callbacks, int verbose, int initialEpoch)
    {
        using var parallel = DataParallel.Start(_model, ref train, ref validation, ref callbacks, ref verbose); // Distributed: shard the data; rank 0 prints and writes
        var history = new History();
        WarnIfEmulated(verbose);
        var cbs = (callbacks ?? Enumerable.Empty<Callback>()).ToList();
        foreach (var cb in cbs) cb.Model = _model;
        _model.StopTraining = false;
        var emptyLogs = new Dictionary<string, double>();
        foreach (var cb in cbs) cb.OnTrainBegin(emptyLogs);
        if (_model.InitialEpochFromCallback is int resumed)           // a backup was restored (Keras: model._initial_epoch)
        {
            initialEpoch = Math.Max(initialEpoch, resumed);
            _model.InitialEpochFromCallback = null;
        }

        using var lossMean = new Metrics.Mean("loss");
        List<Metric>? metrics = null;
        Tensor? classWeights = null;
        bool batchCallbacks = cbs.Any(OverridesBatchEnd);
        var lastLogs = new Dictionary<string, double>();
        try
        {
            for (int epoch = initialEpoch; epoch < epochs && !_model.StopTraining; epoch++)
            {
                if (verbose > 0) Console.WriteLine($"Epoch {epoch + 1}/{epochs}");
                foreach (var cb in cbs) cb.OnEpochBegin(epoch, emptyLogs);
                lossMean.ResetState();
                metrics?.ForEach(m => m.ResetState());
                var bar = verbose > 0 ? new ProgressBar(train.BatchesPerEpoch, live: verbose == 1 ? null : false) : null;
                int step = 0;
                foreach (var batch in train.GetBatches(epoch))
                {
                    using (batch)
                    {
                        if (batch.Y is null)
                            throw new ArgumentException("The training data yields batches without targets (y); Fit needs targets.");
                        _model.EnsureBuiltFor(batch.X, "x");
                        if (metrics is null)
                        {
                            Loss.ValidateTargets(batch.Y, _model.OutputShape!);
                            _model.EnsureOptimizerBound();
                            parallel?.BroadcastWeights(); // Distributed: start from rank 0's weights
                            metrics = CreateMetrics(batch.Y);
                            metrics.ForEach(m => m.ResetState());
                            if (classWeight is not null) classWeights = ClassWeightTable(classWeight);
                        }
                        foreach (var cb in cbs) cb.OnTrainBatchBegin(step);
                        Tensor? stepLoss = TrainStep(batch, metrics, lossMean, classWeights, keepLoss: batchCallbacks);
                        if (stepLoss is not null)
                        {
                            using (stepLoss)
                                foreach (var cb in cbs) cb.OnTrainBatchEnd(step, () => stepLoss.item<float>());
                        }
                    }
                    step++;
                    if (bar is not null && bar.ShouldDraw(step)) bar.Update(step, Logs(lossMean, metrics!, null));
                    parallel?.SyncStop(); // Distributed: all ranks stop together
                    if (_model.StopTraining) break;
                }
                if (step == 0) throw new ArgumentException("The training data yielded no batches.");

                parallel?.SumStates(lossMean, metrics!); // Distributed: the epoch's loss and metrics over all ranks
                var logs = Logs(lossMean, metrics!, null);
                if (validation is not null)
                    foreach (var (k, v) in EvaluateInternal(validation, metrics!, verbose: 0)) logs["val_" + k] = v;
                bar?.Finish(step, logs);
                foreach (var cb in cbs) cb.OnEpochEnd(epoch, logs);
                history.Append(epoch, logs);
                lastLogs = logs;
            }
        }
        catch (Exception e) when (parallel?.Fail(e) == true) { throw; } // Distributed: a failing rank ends every rank with its message
        finally
        {
            classWeights?.Dispose();
        }
        if (epochs > initialEpoch) _model.Optimizer?.FinalizeVariableValues(); // Keras: EMA weights at the end of fit
        foreach (var cb in cbs) cb.OnTrainEnd(lastLogs);
        return history;
    }

    static bool _warnedEmulated;

    /// <summary>Says once per process when a mixed policy runs where bf16 is emulated (much slower than float32).</summary>
    void WarnIfEmulated(int verbose)
    {
        if (verbose == 0 || _warnedEmulated || !_model.DTypePolicy.IsMixed || MixedPrecision.DTypePolicy.HardwareSupportsBFloat16(_model.Device)) return;
        _warnedEmulated = true;
        Console.WriteLine($"Warning: dtype policy {_model.DTypePolicy.Name} on a CPU without bf16 instructions (avx512_bf16/amx_bf16): " +
                          "LibTorch emulates bfloat16 there and training is much slower than with float32.");
    }

    static bool OverridesBatchEnd(Callback cb) =>
        cb.GetType().GetMethod(nameof(Callback.OnTrainBatchEnd))!.DeclaringType != typeof(Callback);

    Tensor ClassWeightTable(IDictionary<int, double> classWeight)
    {
        if (classWeight.Keys.Any(k => k < 0))
            throw Utils.Check.Invalid("classWeight", classWeight.Keys, "class indices >= 0");
        int n = Math.Max(classWeight.Keys.Max() + 1, _model.OutputShape![-1]);
        var table = Enumerable.Repeat(1.0f, n).ToArray();
        foreach (var (k, v) in classWeight) table[k] = (float)v;
        return tensor(table, device: _model.Device);
    }

    static Tensor SampleWeightsFromClasses(Tensor y, Tensor table)
    {
        // Integer labels (int64) cannot be rounded in LibTorch; only float labels need it.
        var flat = y.dim() == 1 || y.shape[^1] == 1 ? y.flatten() : null;
        var labels = flat is null ? y.argmax(-1) : (flat.is_floating_point() ? flat.round() : flat).to(ScalarType.Int64);
        return table.index_select(0, labels.clamp(0, table.shape[0] - 1));
    }

    Tensor? TrainStep(Batch batch, List<Metric> metrics, Metrics.Mean lossMean, Tensor? classWeights, bool keepLoss)
    {
        using var scope = NewDisposeScope();
        var device = _model.Device;
        var x = batch.X.device == device ? batch.X : batch.X.to(device);
        var y = batch.Y!.device == device ? batch.Y : batch.Y.to(device);
        var w = batch.SampleWeight is null ? null : batch.SampleWeight.to(device);
        if (classWeights is not null)
        {
            var cw = SampleWeightsFromClasses(y, classWeights);
            w = w is null ? cw : w * cw;
        }
        bool fused = FusedLogits;
        var output = _model.Run(x, training: true, logits: fused);
        var loss = Loss.Compute(y, output, fused || Loss.FromLogits, w);
        var optimizer = _model.Optimizer!;
        optimizer.ZeroGrad();
        if (loss.requires_grad)                             // false when every weight is frozen
        {
            loss.backward();
            DataParallel.Current?.ReduceGradients(batch.Size); // Distributed: average the gradients over the global batch
            optimizer.Step();
        }
        lossMean.Update(loss, batch.Size);
        if (metrics.Count > 0)
        {
            using var _ = no_grad();
            var probs = fused ? _model.FinalActivationFunction(output.detach()) : Loss.FromLogits ? LogitsToProbabilities(output.detach()) : output.detach();
            foreach (var m in metrics) m.UpdateState(y, probs, w); // Keras weights metrics by the sample (and class) weights
        }
        return keepLoss ? loss.detach().MoveToOuterDisposeScope() : null;
    }

    Tensor LogitsToProbabilities(Tensor logits) => Loss.LogitsActivation == "sigmoid" ? logits.sigmoid() : logits.softmax(-1);

    static Dictionary<string, double> Logs(Metrics.Mean loss, List<Metric> metrics, string? prefix)
    {
        var logs = new Dictionary<string, double> { [prefix + "loss"] = loss.Result() };
        foreach (var m in metrics) logs[prefix + m.Name] = m.Result();
        return logs;
    }

    public Dictionary<string, double> Evaluate(IBatchSource data, int verbose)
    {
        return EvaluateInternal(data, null, verbose);
    }

    Dictionary<string, double> EvaluateInternal(IBatchSource data, List<Metric>? metrics, int verbose)
    {
        using var lossMean = new Metrics.Mean("loss");
        metrics?.ForEach(m => m.ResetState());
        var bar = verbose > 0 ? new ProgressBar(data.BatchesPerEpoch, live: verbose == 1 ? null : false) : null;
        bool fused = FusedLogits;
        int step = 0;
        foreach (var batch in data.GetBatches(0))
        {
            using (batch)
            using (var scope = NewDisposeScope())
            using (no_grad())
            {
                if (batch.Y is null) throw new ArgumentException("The evaluation data yields batches without targets (y); Evaluate needs targets.");
                _model.EnsureBuiltFor(batch.X, "x");
                if (metrics is null)
                {
                    Loss.ValidateTargets(batch.Y, _model.OutputShape!);
                    metrics = CreateMetrics(batch.Y);
                    metrics.ForEach(m => m.ResetState());
                }
                var x = batch.X.device == _model.Device ? batch.X : batch.X.to(_model.Device);
                var y = batch.Y.device == _model.Device ? batch.Y : batch.Y.to(_model.Device);
                var output = _model.Run(x, training: false, logits: fused);
                lossMean.Update(Loss.Compute(y, output, fused || Loss.FromLogits, null), batch.Size);
                var probs = fused ? _model.FinalActivationFunction(output) : Loss.FromLogits ? LogitsToProbabilities(output) : output;
                foreach (var m in metrics) m.UpdateState(y, probs);
            }
            step++;
            if (bar is not null && bar.ShouldDraw(step)) bar.Update(step, Logs(lossMean, metrics!, null));
        }
        if (step == 0) throw new ArgumentException("The evaluation data yielded no batches.");
        if (data is ShardedSource) DataParallel.Current?.SumStates(lossMean, metrics!); // Distributed: validation over all ranks
        var logs = Logs(lossMean, metrics!, null);
        bar?.Finish(step, logs);
        return logs;
    }

    public Tensor Predict(IBatchSource data, int verbose)
    {
        var outputs = new List<Tensor>();
        var bar = verbose > 0 ? new ProgressBar(data.BatchesPerEpoch, live: verbose == 1 ? null : false) : null;
        int step = 0;
        try
        {
            foreach (var batch in data.GetBatches(0))
            {
                using (batch)
                using (var scope = NewDisposeScope())
                using (no_grad())
                {
                    _model.EnsureBuiltFor(batch.X, "x");
                    var x = batch.X.device == _model.Device ? batch.X : batch.X.to(_model.Device);
                    var y = _model.Run(x, training: false, logits: false);
                    outputs.Add(y.cpu().MoveToOuterDisposeScope());
                }
                step++;
                if (bar is not null && bar.ShouldDraw(step)) bar.Update(step, Array.Empty<KeyValuePair<string, double>>());
            }
            if (step == 0) throw new ArgumentException("The prediction data yielded no batches.");
            bar?.Finish(step, Array.Empty<KeyValuePair<string, double>>());
            return outputs.Count == 1 ? outputs[0].alias() : cat(outputs, 0);
        }
        finally
        {
            foreach (var t in outputs) t.Dispose();
        }
    }
}
