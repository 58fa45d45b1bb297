using Deepen.Ops;
using System.Collections.Concurrent;
using Deepen.Data.Audit;
using Deepen.Utils;
using static TorchSharp.torch;

namespace Deepen.Data.Images;

/// <summary>
/// The base of the image-file iterators (<see cref="DirectoryIterator"/>, <see cref="Sources.CsvImageIterator"/>):
/// a fixed list of labelled files, decoded and resized on background threads with a bounded, ordered prefetch
/// queue, augmented per sample as batched tensor operations, and delivered as <see cref="Batch"/>es of
/// [batch, height, width, channels] float32 in file order (or a seeded shuffle of it). A file that fails to decode
/// during training is left out of its batch, reported once and skipped in later epochs; training goes on. Each
/// batch's <see cref="Batch.Ids"/> are the full paths of the files it holds, so predictions always match their files.
/// </summary>
/// <example><code>
/// var train = new ImageDataGenerator(rescale: 1 / 255.0).FlowFromDirectory("data/train", targetSize: (150, 150), classMode: "binary");
/// foreach (var batch in train.GetBatches(epoch: 0)) using (batch) Console.WriteLine(string.Join("x", batch.X.shape));
/// </code></example>
public abstract class ImageFileIterator : IShardedBatchSource
{
    readonly ImageFileList _files;
    readonly ConcurrentDictionary<int, bool> _failed = new();
    readonly byte[]?[]? _cache;
    readonly string? _reportPath;
    readonly string _reportKey;
    readonly int _slotBytes, _imageBytes;

    private protected ImageFileIterator(ImageFileList files, ImageDataGenerator? generator, Size2 targetSize, ColorMode colorMode,
        ClassMode classMode, int batchSize, bool shuffle, int? seed, Interpolation interpolation, bool keepAspectRatio,
        PipelineOptions? pipeline, AuditReport report, string? reportPath, string reportKey)
    {
        _files = files;
        Generator = generator;
        TargetSize = targetSize.Validate("targetSize");
        ColorMode = colorMode;
        ClassMode = classMode;
        BatchSize = Check.Positive(batchSize, nameof(batchSize));
        Shuffle = shuffle;
        Seed = seed ?? Seeds.NewDefault();
        Interpolation = interpolation;
        KeepAspectRatio = keepAspectRatio;
        Pipeline = (pipeline ?? PipelineOptions.Default).Validate();
        AuditReport = report;
        _reportPath = reportPath;
        _reportKey = reportKey;
        _slotBytes = TargetSize.Rows * TargetSize.Cols * ImageDecoder.SlotChannels(colorMode);     // decoding space per image
        _imageBytes = TargetSize.Rows * TargetSize.Cols * colorMode.Channels();                   // the image, at the slot's start
        if (Pipeline.Cache) _cache = new byte[files.Count][];
        ClassIndices = files.ClassNames.Select((c, i) => (c, i)).ToDictionary(t => t.c, t => t.i);
        if (classMode == ClassMode.Binary && NumClasses != 2)
            throw Check.Invalid("classMode", "binary", $"\"categorical\" or \"sparse\" for {NumClasses} classes ({string.Join(", ", files.ClassNames)}); \"binary\" needs exactly 2 classes");
    }

    /// <summary>The augmentation and standardization applied to each batch, if any.</summary>
    public ImageDataGenerator? Generator { get; }
    /// <summary>The (height, width) every image is resized to.</summary>
    public Size2 TargetSize { get; }
    /// <summary>The channels images are converted to.</summary>
    public ColorMode ColorMode { get; }
    /// <summary>The kind of targets yielded.</summary>
    public ClassMode ClassMode { get; }
    /// <summary>Images per batch (the last batch of an epoch may be smaller).</summary>
    public int BatchSize { get; }
    /// <summary>Whether each epoch visits the files in a new seeded order.</summary>
    public bool Shuffle { get; }
    /// <summary>The seed of the shuffling and augmentation streams (chosen when none was given; reuse it to repeat a run).</summary>
    public int Seed { get; }
    /// <summary>The resampling used for resizing.</summary>
    public Interpolation Interpolation { get; }
    /// <summary>Whether images are centre-cropped to the target's aspect ratio before resizing.</summary>
    public bool KeepAspectRatio { get; }
    /// <summary>Background decoding settings.</summary>
    public PipelineOptions Pipeline { get; }
    /// <summary>The audit of the files (made before training) plus files that failed during training.</summary>
    public AuditReport AuditReport { get; }

    /// <summary>Class name → index (Keras's <c>class_indices</c>).</summary>
    public IReadOnlyDictionary<string, int> ClassIndices { get; }
    /// <summary>The class names in index order (Keras 3's <c>class_names</c>).</summary>
    public IReadOnlyList<string> ClassNames => _files.ClassNames;
    /// <summary>The class index of every file, in <see cref="Filenames"/> order (Keras's <c>classes</c>).</summary>
    public IReadOnlyList<int> Classes => _files.Labels;
    /// <summary>File names relative to the root folder, in the order batches come when <see cref="Shuffle"/> is false.</summary>
    public IReadOnlyList<string> Filenames => _files.Filenames;
    /// <summary>Full paths, in <see cref="Filenames"/> order.</summary>
    public IReadOnlyList<string> Filepaths => _files.Paths;
    /// <summary>The number of images (Keras's <c>samples</c>).</summary>
    public int Samples => _files.Count;
    /// <summary>The number of classes.</summary>
    public int NumClasses => _files.ClassNames.Count;
    /// <summary>The shape of one image: (height, width, channels).</summary>
    public Shape ImageShape => new(TargetSize.Rows, TargetSize.Cols, ColorMode.Channels());
    /// <inheritdoc/>
    public int BatchesPerEpoch => (Samples + BatchSize - 1) / BatchSize;

    /// <summary>
    /// The file indices in the order epoch <paramref name="epoch"/> delivers them (identity without shuffling), so
    /// predictions on a shuffled iterator can be matched to <see cref="Filenames"/> and <see cref="Classes"/>.
    /// </summary>
    public IReadOnlyList<int> EpochOrder(int epoch)
    {
        var order = Enumerable.Range(0, Samples).ToArray();
        if (Shuffle) new Random(Seeds.Mix(Seed, epoch, 1)).Shuffle(order);
        return order;
    }

    /// <inheritdoc/>
    public IEnumerable<Batch> GetBatches(int epoch) => GetBatches(epoch, Shard.Whole).OfType<Batch>();

    /// <summary>
    /// This rank's part of each batch of epoch <paramref name="epoch"/> (null where it is empty or none of its files
    /// decode): only its files are decoded, with the augmentation a single process would draw for them.
    /// </summary>
    public IEnumerable<Batch?> GetBatches(int epoch, Shard shard)
    {
        if (Samples == 0) yield break;
        var order = EpochOrder(epoch);
        shard.CheckOrder(order.ToArray());
        var batches = order.Chunk(BatchSize).ToArray();
        var parts = batches.Select(b => { var (start, n) = shard.Rows(b.Length); return (Start: start, Files: b.AsSpan(start, n).ToArray()); }).ToArray();
        var augmentation = new Random(Seeds.Mix(Seed, epoch, 2));
        using var prefetcher = new BatchPrefetcher(Pipeline.WorkerCount, DecodeSlot, Pipeline.WorkerNice);
        using var jobs = prefetcher.Run(parts.Where(p => p.Files.Length > 0).Select(p => p.Files).ToArray(), Pipeline.MaxQueueSize, _slotBytes).GetEnumerator();
        for (int b = 0; b < batches.Length; b++)
        {
            // Drawn for the whole batch, as in a single process, then this rank's rows.
            var parameters = Generator?.DrawTransforms(augmentation, batches[b].Length, TargetSize.Rows, TargetSize.Cols);
            if (parts[b].Files.Length == 0) { yield return null; continue; }
            jobs.MoveNext();
            yield return Assemble(jobs.Current, parameters?.AsSpan(parts[b].Start, parts[b].Files.Length).ToArray(), epoch);
        }
    }

    int _decodeAttempts;

    /// <summary>How many times a file was read and decoded (for tests that count passes over the data).</summary>
    internal int DecodeAttempts => Volatile.Read(ref _decodeAttempts);

    void DecodeSlot(DecodeJob job, int slot)
    {
        int file = job.Indices[slot];
        if (_failed.ContainsKey(file)) throw new KnownFailure();
        if (_cache?[file] is byte[] cached) { cached.CopyTo(job.Slot(slot).AsSpan()); return; }     // cached: image bytes only
        Interlocked.Increment(ref _decodeAttempts);
        byte[] data;
        try { data = File.ReadAllBytes(_files.Paths[file]); }
        catch (Exception e) { throw ImageDecodeException.From(e); }
        ImageDecoder.Decode(data, job.Slot(slot), TargetSize.Rows, TargetSize.Cols, ColorMode, Interpolation, KeepAspectRatio);
        if (_cache is not null) _cache[file] = job.Slot(slot).AsSpan(0, _imageBytes).ToArray();
    }

    sealed class KnownFailure : Exception { }

    Batch? Assemble(DecodeJob job, TransformParameters[]? parameters, int epoch)
    {
        int n = job.Indices.Length, h = TargetSize.Rows, w = TargetSize.Cols, c = ColorMode.Channels();
        var ok = new List<int>(n);
        for (int s = 0; s < n; s++)
        {
            if (job.Errors[s] is null) ok.Add(s);
            else if (job.Errors[s] is not KnownFailure) RecordFailure(job.Indices[s], job.Errors[s]!, epoch);
        }
        if (ok.Count == 0) return null;

        using var scope = NewDisposeScope();
        // On the CPU the decoding threads are busy with the next batches: one LibTorch thread here (measured with
        // benchmarks/pipeline: 1.6x the augmented images/s of two threads that wait for each other at every barrier).
        using var threads = Backend.Device.type == TorchSharp.DeviceType.CPU ? Backend.LimitThreads(1) : default;
        var raw = empty(new long[] { n, h, w, c }, ScalarType.Byte);
        var bytes = raw.bytes;
        for (int s = 0; s < n; s++) job.Slot(s).AsSpan(0, _imageBytes).CopyTo(bytes.Slice(s * _imageBytes, _imageBytes));
        bool rescaled = Generator?.RescalesFirst == true;
        var x = raw.to(ScalarType.Float32);                 // then scaled in place: 3x faster than uint8 * double
        if (rescaled) x.mul_(Generator!.Rescale!.Value);
        if (ok.Count < n)
        {
            x = x.index_select(0, tensor(ok.Select(s => (long)s).ToArray()));
            parameters = parameters?.Where((_, s) => job.Errors[s] is null).ToArray();
        }
        if (Backend.Device.type != TorchSharp.DeviceType.CPU) x = x.to(Backend.Device);
        if (Generator is not null) x = Generator.TransformBatch(x, parameters!, rescaled);
        var y = Targets(ok.Select(s => _files.Labels[job.Indices[s]]).ToArray(), x);
        var ids = ok.Select(s => _files.Paths[job.Indices[s]]).ToArray();      // the files delivered, failures left out
        return new Batch(x.MoveToOuterDisposeScope(), y?.MoveToOuterDisposeScope(), ids: ids);
    }

    /// <summary>The targets for <paramref name="labels"/> in this iterator's class mode.</summary>
    Tensor? Targets(int[] labels, Tensor x)
    {
        int n = labels.Length;
        switch (ClassMode)
        {
            case ClassMode.Categorical:
                var oneHot = new float[n * NumClasses];
                for (int i = 0; i < n; i++) oneHot[i * NumClasses + labels[i]] = 1;
                return tensor(oneHot, new long[] { n, NumClasses }, device: x.device);
            case ClassMode.Binary:
            case ClassMode.Sparse:
                return tensor(labels.Select(l => (float)l).ToArray(), device: x.device);
            case ClassMode.Int:
                return tensor(labels.Select(l => (long)l).ToArray(), device: x.device);
            case ClassMode.Input:
                return x.clone();
            default:
                return null;
        }
    }

    void RecordFailure(int file, Exception error, int epoch)
    {
        var failure = ImageDecodeException.From(error);
        if (!_failed.TryAdd(file, true)) return;
        var entry = new AuditEntry
        {
            Path = _files.Paths[file], Kind = failure.Kind, Reason = failure.Message, Stage = "training",
            Class = _files.Labels[file] >= 0 && _files.Labels[file] < NumClasses ? _files.ClassNames[_files.Labels[file]] : null,
        };
        AuditReport.Add(entry);
        Console.WriteLine($"Warning: skipped {_files.Filenames[file]} in epoch {epoch + 1}: {AuditReport.KindName(failure.Kind)} — {failure.Message}." +
                          (_reportPath is null ? "" : $" Added to {_reportPath}."));
        if (_reportPath is not null)
        {
            try { AuditReportFile.Write(_reportPath, _reportKey, AuditReport); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                Console.WriteLine($"Warning: could not update {_reportPath}: {e.Message}");
            }
        }
    }

    /// <summary>
    /// Audits <paramref name="files"/>, writes the report, throws in strict mode, prints the summary line and
    /// returns the files to keep with the report.
    /// </summary>
    private protected static (ImageFileList Kept, AuditReport Report) AuditFiles(ImageFileList files, AuditOptions? audit, bool strict,
        string? reportPath, string reportKey, bool verbose)
    {
        audit ??= AuditOptions.Default;
        audit.Validate();
        if (!audit.Enabled) return (files, new AuditReport(new[] { files.Root }, files.Count, Array.Empty<AuditEntry>()));
        var reference = audit.ReferenceDirectory is null ? null : DataAudit.ListFolder(audit.ReferenceDirectory, nameof(AuditOptions.ReferenceDirectory));
        var report = DataAudit.Audit(files, audit, reference);
        if (reportPath is not null) AuditReportFile.Write(reportPath, reportKey, report);
        if (strict && !report.IsClean) throw new DataAuditException(report, reportPath);
        if (verbose && !report.IsClean)
            Console.WriteLine(report.Summary() + (reportPath is null ? "" : $" — see {reportPath}"));
        var skipped = report.Entries.Where(e => e.Skipped).Select(e => e.Path).ToHashSet(StringComparer.Ordinal);
        return (skipped.Count == 0 ? files : files.Select(Enumerable.Range(0, files.Count).Where(i => !skipped.Contains(files.Paths[i]))), report);
    }
}
