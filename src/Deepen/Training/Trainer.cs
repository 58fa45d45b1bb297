using Deepen.Callbacks;
using Deepen.Data;
using Deepen.Distributed;
using Deepen.Layers;
using Deepen.Losses;
using Deepen.Metrics;
using Deepen.Models;
using static TorchSharp.torch;

namespace Deepen.Training;

/// <summary>
/// The one loop behind <c>Model.Fit/Evaluate/Predict</c>, for every model and every <see cref="IBatchSource"/>
/// (tensors, arrays, texts and generators reach it through <see cref="DataAdapter"/>): one tensor per input and per
/// output, a loss per output summed with its weight, class and sample weights for every output, and one
/// <see cref="CallbackList"/> for every event (the progress bar and <see cref="History"/> are callbacks). A training
/// step is forward → loss → backward → optimizer step, and on-tensor metric accumulation; nothing is read back to
/// the host unless the progress bar redraws or a callback asks. Logs follow Keras: <c>loss</c> (the total) and, with
/// several outputs, <c>&lt;output&gt;_loss</c> and <c>&lt;output&gt;_&lt;metric&gt;</c>.
/// </summary>
internal sealed class Trainer
{
    readonly Model _model;
    readonly Loss[] _losses;
    readonly double[] _lossWeights;
    readonly bool[] _fused;
    readonly string[] _prefixes;
    bool? _hasRegularization, _hasConstraints;

    /// <summary>Whether the built model has regularizers (their penalties join the loss); known once it is built.</summary>
    bool Regularized => _model.Built && (_hasRegularization ??= _model.HasRegularization);
    /// <summary>Whether the built model has constraints (applied after each optimizer step).</summary>
    bool Constrained => _model.Built && (_hasConstraints ??= _model.HasConstraints);

    public Trainer(Model model)
    {
        _model = model;
        int n = model.OutputCount;
        _losses = model.Losses.ToArray();
        _lossWeights = model.LossWeights.ToArray();
        _fused = Enumerable.Range(0, n).Select(i => i < _losses.Length && !_losses[i].FromLogits
            && _losses[i].LogitsActivation is string a && a == model.FinalActivationOf(i)).ToArray();
        _prefixes = n == 1 ? new[] { "" } : model.OutputNames.Select(o => o + "_").ToArray();
    }

    /// <summary>The running state of one pass: the total loss, per-output losses and per-output metrics.</summary>
    sealed class Tally : IDisposable
    {
        public readonly Metrics.Mean Total = new("loss");
        public Metrics.Mean[] PerOutput = Array.Empty<Metrics.Mean>();
        public List<Metric>[]? Metrics;

        public void Reset()
        {
            Total.ResetState();
            foreach (var m in PerOutput) m.ResetState();
            if (Metrics is not null) foreach (var list in Metrics) list.ForEach(m => m.ResetState());
        }

        public void Dispose()
        {
            Total.Dispose();
            foreach (var m in PerOutput) m.Dispose();
        }
    }

    // ---- Fit ---------------------------------------------------------------------------------------------------

    public History Fit(IBatchSource train, int epochs, IBatchSource? validation, IDictionary<int, double>? classWeight,
        IEnumerable<Callback>? callbacks, int verbose, int initialEpoch)
    {
        using var parallel = DataParallel.Start(_model, ref train, ref validation, ref callbacks, ref verbose); // Distributed: shard the data; rank 0 prints and writes
        WarnIfEmulated(verbose);
        var history = new History();
        var cbs = new CallbackList(_model, new Callback?[] { verbose > 0 ? new ProgbarLogger(verbose, train.BatchesPerEpoch, epochs) : null }
            .Concat(callbacks ?? Enumerable.Empty<Callback>()).Append(history));
        _model.StopTraining = false;
        var empty = new Dictionary<string, double>();
        cbs.OnTrainBegin(empty);
        if (_model.InitialEpochFromCallback is int resumed)           // a backup was restored (Keras: model._initial_epoch)
        {
            initialEpoch = Math.Max(initialEpoch, resumed);
            _model.InitialEpochFromCallback = null;
        }

        using var tally = NewTally();
        Tensor?[]? classWeights = null;
        var lastLogs = new Dictionary<string, double>();
        try
        {
            for (int epoch = initialEpoch; epoch < epochs && !_model.StopTraining; epoch++)
            {
                cbs.OnEpochBegin(epoch, empty);
                tally.Reset();
                int step = 0;
                foreach (var batch in train.GetBatches(epoch))
                {
                    using (batch)
                    {
                        if (batch.Ys is null)
                            throw new ArgumentException("The training data yields batches without targets (y); Fit needs targets.");
                        if (tally.Metrics is null)
                        {
                            Prepare(batch, tally, "x");
                            _model.EnsureOptimizerBound();
                            parallel?.BroadcastWeights(); // Distributed: start from rank 0's weights
                            if (classWeight is not null) classWeights = ClassWeightTables(classWeight);
                        }
                        else _model.EnsureBuiltForInputs(batch.Xs, "x");
                        cbs.OnTrainBatchBegin(step);
                        Tensor? stepLoss = TrainStep(batch, tally, classWeights, keepLoss: cbs.ReadsBatchLoss);
                        using (stepLoss)
                            cbs.OnTrainBatchEnd(step, () => stepLoss is null ? double.NaN : stepLoss.item<float>(), train.BatchesPerEpoch, () => Logs(tally));
                    }
                    step++;
                    parallel?.SyncStop(); // Distributed: all ranks stop together
                    if (_model.StopTraining) break;
                }
                if (step == 0) throw new ArgumentException("The training data yielded no batches.");

                parallel?.SumStates(tally.PerOutput.Prepend(tally.Total), tally.Metrics!.SelectMany(m => m)); // Distributed: the epoch's loss and metrics over all ranks
                var logs = Logs(tally);
                if (validation is not null)
                    foreach (var (k, v) in Evaluate(validation, tally.Metrics!, new CallbackList(_model, Array.Empty<Callback>()))) logs["val_" + k] = v;
                cbs.OnEpochEnd(epoch, logs);
                lastLogs = logs;
            }
        }
        catch (Exception e) when (parallel?.Fail(e) == true) { throw; } // Distributed: a failing rank ends every rank with its message
        finally
        {
            foreach (var t in classWeights ?? Array.Empty<Tensor?>()) t?.Dispose();
        }
        if (epochs > initialEpoch) _model.Optimizer?.FinalizeVariableValues(); // Keras: EMA weights at the end of fit
        cbs.OnTrainEnd(lastLogs);
        return history;
    }

    Tally NewTally() => new()
    {
        PerOutput = _prefixes.Length > 1 ? _prefixes.Select(p => new Metrics.Mean(p + "loss")).ToArray() : Array.Empty<Metrics.Mean>(),
    };

    /// <summary>Builds the model from the first batch, checks its targets against the losses and creates the metrics.</summary>
    void Prepare(Batch batch, Tally tally, string argument)
    {
        _model.EnsureBuiltForInputs(batch.Xs, argument);
        var ys = batch.Ys!;
        if (ys.Count != _model.OutputCount)
            throw new ArgumentException(
                $"Model \"{_model.Name}\" has {_model.OutputCount} output(s) ({string.Join(", ", _model.OutputNames)}), but the data yields {ys.Count} target tensor(s) per batch.", "y");
        for (int i = 0; i < ys.Count; i++) _losses[i].ValidateTargets(ys[i], _model.OutputShapeOf(i), ys.Count == 1 ? "y" : $"y[{i}]");
        tally.Metrics = CreateMetrics(ys);
        tally.Reset();
    }

    /// <summary>Per-output metrics, named as Keras names them.</summary>
    List<Metric>[] CreateMetrics(IReadOnlyList<Tensor> ys)
    {
        var result = new List<Metric>[ys.Count];
        for (int i = 0; i < result.Length; i++)
        {
            var shape = _model.OutputShapeOf(i);
            bool sparse = ys[i].dim() < shape.Rank + 1 || (shape[-1] > 1 && ys[i].shape[^1] == 1);
            result[i] = _model.CompiledMetrics.Select(m => m is Metric metric ? metric : MetricRegistry.Get((string)m, _losses[i], shape[-1], sparse)).ToList();
        }
        return result;
    }

    Tensor? TrainStep(Batch batch, Tally tally, Tensor?[]? classWeights, bool keepLoss)
    {
        using var scope = NewDisposeScope();
        var xs = ToDevice(batch.Xs);
        var ys = ToDevice(batch.Ys!);
        using var activity = ActivityLosses.Collect(Regularized);
        var outputs = _model.RunAll(xs, training: true, _fused);           // forward
        var loss = TotalLoss(ys, outputs, batch, tally, classWeights, out var weights);   // loss (with the regularization penalties)
        var optimizer = _model.Optimizer!;
        optimizer.ZeroGrad();
        if (loss.requires_grad)                                             // false when every weight is frozen
        {
            loss.backward();                                                // backward
            DataParallel.Current?.ReduceGradients(batch.Size); // Distributed: average the gradients over the global batch
            optimizer.Step();                                               // optimizer step
            if (Constrained) _model.ApplyConstraints();                    // Keras: constraints after each update
        }
        tally.Total.Update(loss, batch.Size);
        using (no_grad()) UpdateMetrics(tally.Metrics!, ys, outputs, weights);
        return keepLoss ? loss.detach().MoveToOuterDisposeScope() : null;
    }

    IReadOnlyList<Tensor> ToDevice(IReadOnlyList<Tensor> tensors)
    {
        var device = _model.Device;
        if (tensors.Count == 1) return tensors[0].device == device ? tensors : new[] { tensors[0].to(device) };
        return tensors.Select(t => t.device == device ? t : t.to(device)).ToArray();
    }

    /// <summary>The weighted sum of the outputs' losses, with class and sample weights; records per-output losses.</summary>
    Tensor TotalLoss(IReadOnlyList<Tensor> ys, Tensor[] outputs, Batch? batch, Tally tally, Tensor?[]? classWeights) =>
        TotalLoss(ys, outputs, batch, tally, classWeights, out _);

    Tensor TotalLoss(IReadOnlyList<Tensor> ys, Tensor[] outputs, Batch? batch, Tally tally, Tensor?[]? classWeights, out Tensor?[] weights)
    {
        Tensor? total = null;
        weights = new Tensor?[outputs.Length];
        for (int i = 0; i < outputs.Length; i++)
        {
            var w = batch?.SampleWeightOf(i) is Tensor sw ? (sw.device == _model.Device ? sw : sw.to(_model.Device)) : null;
            if (classWeights?[i] is Tensor table)
            {
                var cw = SampleWeightsFromClasses(ys[i], outputs[i], table);
                w = w is null ? cw : Aligned(w, cw.dim()) * Aligned(cw, w.dim());
            }
            weights[i] = w;
            var l = _losses[i].Compute(ys[i], outputs[i], _fused[i] || _losses[i].FromLogits, w);
            if (outputs.Length > 1) tally.PerOutput[i].Update(l.detach(), ys[i].shape[0]);
            var weighted = _lossWeights[i] == 1 ? l : l * _lossWeights[i];
            total = total is null ? weighted : total + weighted;
        }
        // Keras's compute_loss: sum(model.losses) (weight and activity regularization) joins the total in training
        // and evaluation alike, so the reported loss includes it; the per-output losses do not.
        return Regularized ? total! + _model.RegularizationLoss() : total!;
    }

    void UpdateMetrics(List<Metric>[] metrics, IReadOnlyList<Tensor> ys, Tensor[] outputs, Tensor?[]? weights = null)
    {
        for (int i = 0; i < outputs.Length; i++)
        {
            if (metrics[i].Count == 0) continue;
            var probs = Probabilities(i, outputs[i].detach(), _fused[i]);
            foreach (var m in metrics[i]) m.UpdateState(ys[i], probs, weights?[i]); // Keras weights metrics by the sample (and class) weights
        }
    }

    /// <summary>
    /// The one rule that turns output <paramref name="index"/> into probabilities: logits the loss was given (the
    /// final sigmoid/softmax skipped) go through that activation; a loss compiled with <c>fromLogits</c> means the
    /// outputs are logits of its activation (sigmoid or softmax); otherwise the outputs are used as they are.
    /// </summary>
    internal Tensor Probabilities(int index, Tensor output, bool skippedActivation)
    {
        if (skippedActivation) return Activations.Activations.Get(_model.FinalActivationOf(index))(output);
        if (index < _losses.Length && _losses[index].FromLogits)
            return _losses[index].LogitsActivation == "sigmoid" ? output.sigmoid() : output.softmax(-1);
        return output;
    }

    Dictionary<string, double> Logs(Tally tally)
    {
        var logs = new Dictionary<string, double> { ["loss"] = tally.Total.Result() };
        foreach (var m in tally.PerOutput) logs[m.Name] = m.Result();
        if (tally.Metrics is not null)
            for (int i = 0; i < tally.Metrics.Length; i++)
                foreach (var m in tally.Metrics[i]) logs[_prefixes[i] + m.Name] = m.Result();
        return logs;
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

    /// <summary>One table of class weights per output (Keras's <c>class_weight</c>, applied to every output's labels).</summary>
    Tensor?[] ClassWeightTables(IDictionary<int, double> classWeight)
    {
        if (classWeight.Keys.Any(k => k < 0))
            throw Utils.Check.Invalid("classWeight", classWeight.Keys, "class indices >= 0");
        var tables = new Tensor?[_model.OutputCount];
        for (int i = 0; i < tables.Length; i++)
        {
            int n = Math.Max(classWeight.Keys.Max() + 1, _model.OutputShapeOf(i)[-1]);
            var table = Enumerable.Repeat(1.0f, n).ToArray();
            foreach (var (k, v) in classWeight) table[k] = (float)v;
            tables[i] = tensor(table, device: _model.Device);
        }
        return tables;
    }

    /// <summary>
    /// The class weight of each label (Keras's <c>class_weight</c>): one-hot targets by their arg-max, integer or 0/1
    /// targets as they are. Labels per timestep, (batch, T) against outputs (batch, T, classes), get one weight per
    /// step, which then multiplies the sample weights aligned from the batch axis.
    /// </summary>
    static Tensor SampleWeightsFromClasses(Tensor y, Tensor output, Tensor table)
    {
        bool sameRank = y.dim() == output.dim();
        var labels = sameRank && y.shape[^1] > 1 && y.shape[^1] == output.shape[^1]
            ? y.argmax(-1)
            : sameRank && y.dim() > 1 && y.shape[^1] == 1 ? y.squeeze(-1) : y;
        // Integer labels (int64) cannot be rounded in LibTorch; only float labels need it.
        labels = (labels.is_floating_point() ? labels.round() : labels).to(ScalarType.Int64);
        return table.index_select(0, labels.flatten().clamp(0, table.shape[0] - 1)).reshape(labels.shape);
    }

    /// <summary><paramref name="t"/> with trailing unit axes up to <paramref name="rank"/>, so weights broadcast from the batch axis.</summary>
    static Tensor Aligned(Tensor t, long rank)
    {
        while (t.dim() < rank) t = t.unsqueeze(-1);
        return t;
    }

    // ---- Evaluate ----------------------------------------------------------------------------------------------

    public Dictionary<string, double> Evaluate(IBatchSource data, int verbose)
    {
        using var tally = NewTally();
        var bar = verbose > 0 ? new ProgbarLogger(verbose, data.BatchesPerEpoch) : null;
        var logs = Evaluate(data, null, new CallbackList(_model, new Callback?[] { bar }), tally);
        bar?.Finish(logs);
        return logs;
    }

    Dictionary<string, double> Evaluate(IBatchSource data, List<Metric>[] metrics, CallbackList cbs)
    {
        using var tally = NewTally();
        tally.Metrics = metrics;
        tally.Reset();
        return Evaluate(data, metrics, cbs, tally);
    }

    Dictionary<string, double> Evaluate(IBatchSource data, List<Metric>[]? metrics, CallbackList cbs, Tally tally)
    {
        int step = 0;
        foreach (var batch in data.GetBatches(0))
        {
            using (batch)
            using (var scope = NewDisposeScope())
            using (no_grad())
            {
                if (batch.Ys is null) throw new ArgumentException("The evaluation data yields batches without targets (y); Evaluate needs targets.");
                if (tally.Metrics is null) Prepare(batch, tally, "x");
                else _model.EnsureBuiltForInputs(batch.Xs, "x");
                var ys = ToDevice(batch.Ys);
                using var activity = ActivityLosses.Collect(Regularized);
                var outputs = _model.RunAll(ToDevice(batch.Xs), training: false, _fused);
                tally.Total.Update(TotalLoss(ys, outputs, null, tally, null), batch.Size);
                UpdateMetrics(tally.Metrics!, ys, outputs);
            }
            step++;
            cbs.OnBatchProgress(step, data.BatchesPerEpoch, () => Logs(tally));
        }
        if (step == 0) throw new ArgumentException("The evaluation data yielded no batches.");
        if (data is ShardedSource) DataParallel.Current?.SumStates(tally.PerOutput.Prepend(tally.Total), tally.Metrics!.SelectMany(m => m)); // Distributed: validation over all ranks
        return Logs(tally);
    }

    // ---- ComputeLoss -------------------------------------------------------------------------------------------

    /// <summary>
    /// One batch's total loss as a training step computes it (the losses on logits where fused, weighted by the loss
    /// weights, plus the regularization penalties), differentiable; no metrics, no optimizer step.
    /// </summary>
    public Tensor ComputeLoss(IReadOnlyList<Tensor> xs, IReadOnlyList<Tensor> ys, bool training)
    {
        using var tally = NewTally();
        using var activity = ActivityLosses.Collect(Regularized);
        var outputs = _model.RunAll(ToDevice(xs), training, _fused);
        return TotalLoss(ToDevice(ys), outputs, null, tally, null);
    }

    // ---- Predict -----------------------------------------------------------------------------------------------

    /// <summary>The model's outputs for every batch, on the CPU: one tensor per output.</summary>
    public Tensor[] Predict(IBatchSource data, int verbose)
    {
        var predictions = Predict(data, verbose, withLoss: false, keepProbabilities: false);
        return predictions.Outputs.ToArray();
    }

    /// <summary>
    /// One pass over <paramref name="data"/>: the raw outputs, the probabilities (by <see cref="Probabilities"/>),
    /// the targets and per-sample losses when the batches have targets, and the ids. <paramref name="observe"/> sees
    /// each batch with its probabilities (first output) before the batch is disposed.
    /// </summary>
    /// <param name="data">The batches.</param>
    /// <param name="verbose">0 silent, else a progress bar.</param>
    /// <param name="withLoss">Keep the targets and per-sample losses (needs a compiled model and targets).</param>
    /// <param name="observe">Sees each batch with its probabilities before the batch is released.</param>
    /// <param name="keepProbabilities">Keep the probabilities (else only the outputs).</param>
    /// <param name="evaluate">Also compute the compiled loss and metrics, as <c>Evaluate</c> does (<see cref="Predictions.Scores"/>).</param>
    public Predictions Predict(IBatchSource data, int verbose, bool withLoss, Action<Batch, Tensor>? observe = null, bool keepProbabilities = true,
        bool evaluate = false)
    {
        using var tally = NewTally();
        int n = _model.OutputCount;
        var outputs = Parts(n);
        var probabilities = Parts(n);
        var targets = Parts(n);
        var losses = new List<Tensor>();
        var ids = new List<string>();
        bool allIds = true;
        var bar = verbose > 0 ? new ProgbarLogger(verbose, data.BatchesPerEpoch) : null;
        var cbs = new CallbackList(_model, new Callback?[] { bar });
        var noLogs = new Dictionary<string, double>();
        int step = 0;
        try
        {
            foreach (var batch in data.GetBatches(0))
            {
                using (batch)
                using (var scope = NewDisposeScope())
                using (no_grad())
                {
                    _model.EnsureBuiltForInputs(batch.Xs, "x");
                    bool scored = (withLoss || evaluate) && batch.Ys is not null && _losses.Length == n;
                    var skip = scored ? _fused : null;
                    using var activity = ActivityLosses.Collect(Regularized && scored && evaluate);
                    var raw = _model.RunAll(ToDevice(batch.Xs), training: false, skip);
                    Tensor? perSample = null;
                    for (int i = 0; i < n; i++)
                    {
                        bool skipped = skip is not null && skip[i];
                        var p = Probabilities(i, raw[i], skipped);
                        outputs[i].Add((skipped ? Activations.Activations.Get(_model.FinalActivationOf(i))(raw[i]) : raw[i]).cpu().MoveToOuterDisposeScope());
                        if (keepProbabilities) probabilities[i].Add(p.cpu().MoveToOuterDisposeScope());
                        if (scored && withLoss)
                        {
                            var y = batch.Ys![i].device == _model.Device ? batch.Ys[i] : batch.Ys[i].to(_model.Device);
                            var l = _losses[i].PerSampleLosses(y, raw[i], skipped || _losses[i].FromLogits) * _lossWeights[i];
                            perSample = perSample is null ? l : perSample + l;
                            targets[i].Add(batch.Ys[i].cpu().MoveToOuterDisposeScope());
                        }
                        if (i == 0) observe?.Invoke(batch, p);
                    }
                    if (perSample is not null && withLoss) losses.Add(perSample.to(ScalarType.Float32).cpu().MoveToOuterDisposeScope());
                    if (scored && evaluate)
                    {
                        if (tally.Metrics is null) Prepare(batch, tally, "x");
                        var ys = ToDevice(batch.Ys!);
                        tally.Total.Update(TotalLoss(ys, raw, null, tally, null), batch.Size);
                        UpdateMetrics(tally.Metrics!, ys, raw);
                    }
                    if (batch.Ids is null) allIds = false; else ids.AddRange(batch.Ids);
                }
                step++;
                cbs.OnBatchProgress(step, data.BatchesPerEpoch, () => noLogs);
            }
            if (step == 0) throw new ArgumentException("The prediction data yielded no batches.");
            bar?.Finish(noLogs);
            return new Predictions(Join(outputs), keepProbabilities ? Join(probabilities) : Array.Empty<Tensor>(),
                targets[0].Count == step ? Join(targets) : null,
                losses.Count == step ? JoinOne(losses) : null,
                allIds ? ids : null) { Scores = evaluate && tally.Metrics is not null ? Logs(tally) : null };
        }
        finally
        {
            foreach (var list in outputs.Concat(probabilities).Concat(targets)) foreach (var t in list) t.Dispose();
            foreach (var t in losses) t.Dispose();
        }
    }

    static List<Tensor>[] Parts(int n) => Enumerable.Range(0, n).Select(_ => new List<Tensor>()).ToArray();
    static Tensor[] Join(List<Tensor>[] parts) => parts.Select(JoinOne).ToArray();
    static Tensor JoinOne(List<Tensor> p) => p.Count == 1 ? p[0].alias() : cat(p, 0);
}
