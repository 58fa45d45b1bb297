// Spam vs ham on the SpamAssassin public mail corpus, the Keras way: emails written as .txt files into class folders,
// read back with TextDatasetFromDirectory, a TextVectorization layer adapted on the training texts, and two models
// that take raw strings — Embedding → LSTM and a small Transformer encoder — each scored on a held-out test split.
//
// Usage: dotnet run -c Release --project examples/Spam [-- --data DIR] [--out DIR] [--epochs N] [--model lstm|transformer|both]
// DIR holds the corpus as `bash scripts/fetch-datasets.sh data spam-assassin` writes it (default: data/spam-assassin).
using System.Text.Json;
using Deepen;
using Deepen.Data.Text;
using Deepen.Layers;
using Deepen.Models;
using Deepen.Reports;

string dataDir = ExampleArgs.Get(args, "--data") ?? ExampleArgs.FindBundled("data/spam-assassin");
string outDir = ExampleArgs.Get(args, "--out") ?? "spam-out";
int epochs = int.Parse(ExampleArgs.Get(args, "--epochs") ?? "4");
string which = ExampleArgs.Get(args, "--model") ?? "both";
int sequenceLength = int.Parse(ExampleArgs.Get(args, "--sequence-length") ?? "200");
const int MaxTokens = 20000, Seed = 42;
Backend.SetRandomSeed(Seed);
Backend.Threads = int.Parse(ExampleArgs.Get(args, "--threads") ?? "1");   // tiny per-step ops: one thread wastes least on a shared machine

// 1. The corpus as class folders: ham (easy-ham-1/2, hard-ham-1) and spam (spam-1/2); Subject line and body only
//    (the headers would give the answer away: the corpus's ham and spam came through different mail servers).
string emails = Path.Combine(outDir, "emails");
WriteClassFolders(dataDir, emails);

// 2. Read them back as Keras would, with a validation split of the training folder.
var train = TextDatasetUtils.TextDatasetFromDirectory(Path.Combine(emails, "train"), labelMode: "binary", batchSize: 32,
    validationSplit: 0.1, subset: "training", seed: Seed);
var val = TextDatasetUtils.TextDatasetFromDirectory(Path.Combine(emails, "train"), labelMode: "binary", batchSize: 32,
    validationSplit: 0.1, subset: "validation", seed: Seed);
var test = TextDatasetUtils.TextDatasetFromDirectory(Path.Combine(emails, "test"), labelMode: "binary", shuffle: false);
Console.WriteLine($"Classes: {string.Join(", ", train.ClassNames)}");

var vectorize = new TextVectorization(maxTokens: MaxTokens, outputSequenceLength: sequenceLength);
vectorize.Adapt(train.Texts);
Console.WriteLine($"Vocabulary: {vectorize.VocabularySize()} tokens, e.g. {string.Join(" ", vectorize.GetVocabulary().Skip(2).Take(12))}");

var results = new List<string>();
if (which is "lstm" or "both")
{
    var lstm = new Sequential(
        new TextVectorization(maxTokens: MaxTokens, outputSequenceLength: sequenceLength, vocabulary: vectorize.GetVocabulary()),
        new Embedding(MaxTokens, 32, maskZero: true),
        new LSTM(32),
        new Dense(1, activation: "sigmoid"));
    results.Add(Run("LSTM", lstm));
}
if (which is "transformer" or "both")
{
    var transformer = new Sequential(
        new TextVectorization(maxTokens: MaxTokens, outputSequenceLength: sequenceLength, vocabulary: vectorize.GetVocabulary()),
        new TokenAndPositionEmbedding(MaxTokens, sequenceLength, 32, maskZero: true),
        new TransformerEncoder(intermediateDim: 64, numHeads: 2, dropout: 0.1),
        new GlobalAveragePooling1D(),
        new Dropout(0.1),
        new Dense(1, activation: "sigmoid"));
    results.Add(Run("Transformer", transformer));
}
Console.WriteLine();
Console.WriteLine("| model | test accuracy | precision | recall | F1 | training time |");
Console.WriteLine("|---|---|---|---|---|---|");
results.ForEach(Console.WriteLine);

string Run(string name, Sequential model)
{
    Console.WriteLine($"\n== {name} ==");
    model.Summary();
    model.Compile("adam", "binary_crossentropy", ["accuracy"]);
    var clock = System.Diagnostics.Stopwatch.StartNew();
    var history = model.Fit(train, epochs: epochs, validationData: val, verbose: Console.IsOutputRedirected ? 2 : 1);
    clock.Stop();
    var scores = model.Evaluate(test, verbose: 0);
    using var p = model.Predict(test);
    var predicted = p.data<float>().Select(v => v >= 0.5f ? 1 : 0).ToArray();
    var truth = test.Labels!;
    int tp = 0, fp = 0, fn = 0, tn = 0;
    for (int i = 0; i < truth.Count; i++)
        if (predicted[i] == 1) { if (truth[i] == 1) tp++; else fp++; }
        else { if (truth[i] == 1) fn++; else tn++; }
    double precision = tp / (double)Math.Max(1, tp + fp), recall = tp / (double)Math.Max(1, tp + fn);
    double f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
    Console.WriteLine($"{name}: test accuracy {scores["accuracy"]:P2} (loss {scores["loss"]:F4}), spam precision {precision:P2}, recall {recall:P2}, F1 {f1:F4}; confusion tn={tn} fp={fp} fn={fn} tp={tp}");
    model.Save(Path.Combine(outDir, $"spam-{name.ToLowerInvariant()}.deepen"));
    var report = new Report(model, history, test, new ReportOptions { Title = $"Spam vs ham, {name} (test set)" });
    Console.WriteLine($"Report: {report.Save(Path.Combine(outDir, $"report-{name.ToLowerInvariant()}"))}");
    using var demo = model.Predict(new[] { "Subject: You have WON a FREE cruise!!! Click here to claim your prize now", "Subject: Re: patch for the build\nThanks, I applied it and the tests pass now." });
    Console.WriteLine($"Raw strings: P(spam) = {string.Join(", ", demo.data<float>().Select(v => v.ToString("F3")))}");
    return $"| {name} | {scores["accuracy"]:P2} | {precision:P2} | {recall:P2} | {f1:F4} | {clock.Elapsed.TotalSeconds:F0} s ({epochs} epochs) |";
}

// Writes OUT/{train,test}/{ham,spam}/*.txt from the corpus's JSON files: exact duplicates (after header removal) kept
// once, then a stratified, seeded 80/20 split.
static void WriteClassFolders(string corpus, string outDir)
{
    if (Directory.Exists(outDir)) Directory.Delete(outDir, recursive: true);
    var byClass = new Dictionary<string, List<(string Id, string Text)>> { ["ham"] = new(), ["spam"] = new() };
    var seen = new HashSet<string>(StringComparer.Ordinal);
    int duplicates = 0;
    foreach (var group in new[] { "easy-ham-1", "easy-ham-2", "hard-ham-1", "spam-1", "spam-2" })
        foreach (var file in Directory.EnumerateFiles(Path.Combine(corpus, group), "*.json").Order(StringComparer.Ordinal))
        {
            using var json = JsonDocument.Parse(File.ReadAllBytes(file));
            string text = SubjectAndBody(json.RootElement.GetProperty("text").GetString() ?? "");
            if (!seen.Add(text)) { duplicates++; continue; }
            byClass[group.StartsWith("spam") ? "spam" : "ham"].Add(($"{group}-{Path.GetFileNameWithoutExtension(file)}", text));
        }
    var random = new Random(7);
    foreach (var (label, messages) in byClass)
    {
        var shuffled = messages.ToArray();
        random.Shuffle(shuffled);
        int testCount = shuffled.Length / 5;
        for (int i = 0; i < shuffled.Length; i++)
        {
            string folder = Path.Combine(outDir, i < testCount ? "test" : "train", label);
            Directory.CreateDirectory(folder);
            File.WriteAllText(Path.Combine(folder, shuffled[i].Id + ".txt"), shuffled[i].Text);
        }
        Console.WriteLine($"{label}: {shuffled.Length} messages, {shuffled.Length - testCount} for training and {testCount} for testing");
    }
    Console.WriteLine($"{duplicates} duplicate messages left out");
}

static string SubjectAndBody(string message)
{
    message = message.Replace("\r\n", "\n");
    int end = message.IndexOf("\n\n", StringComparison.Ordinal);
    string headers = end < 0 ? message : message[..end], body = end < 0 ? "" : message[(end + 2)..];
    string subject = headers.Split('\n').FirstOrDefault(l => l.StartsWith("Subject:", StringComparison.OrdinalIgnoreCase)) ?? "Subject:";
    return subject + "\n" + body;
}
