using System.Globalization;
using System.Text.Json;
using Deepen.Tests.Data;

namespace Deepen.Tests.Cli;

/// <summary><c>deepen predict</c> on files and folders: JSON, CSV and text output, unreadable images, and bad arguments.</summary>
[Collection(CliCollection.Name)]
public class PredictCommandTests
{
    readonly TrainedModelFixture _f;

    public PredictCommandTests(TrainedModelFixture fixture) => _f = fixture;

    static JsonElement[] Predictions(CliResult r) => r.Json().GetProperty("predictions").EnumerateArray().ToArray();

    /// <summary>Checks one successful prediction: a known class, probabilities in [0, 1], top-k sorted and led by the class.</summary>
    static void AssertValid(JsonElement p, string[] classNames, int expectedTopK)
    {
        Assert.Equal(JsonValueKind.Null, p.GetProperty("error").ValueKind);
        string cls = p.GetProperty("class").GetString()!;
        Assert.Contains(cls, classNames);
        double probability = p.GetProperty("probability").GetDouble();
        Assert.InRange(probability, 0, 1);
        var top = p.GetProperty("top_k").EnumerateArray().ToArray();
        Assert.Equal(expectedTopK, top.Length);
        var probabilities = top.Select(t => t.GetProperty("probability").GetDouble()).ToArray();
        Assert.All(probabilities, v => Assert.InRange(v, 0, 1));
        Assert.Equal(probabilities.OrderByDescending(v => v), probabilities);
        Assert.Equal(top.Length, top.Select(t => t.GetProperty("class").GetString()).Distinct().Count());
        Assert.All(top, t => Assert.Contains(t.GetProperty("class").GetString(), classNames));
        Assert.Equal(cls, top[0].GetProperty("class").GetString());
        Assert.Equal(probability, probabilities[0], 6);
        if (expectedTopK == classNames.Length) Assert.Equal(1.0, probabilities.Sum(), 4);
    }

    [Fact]
    public void JsonCoversFilesAndFoldersInTheOrderGiven()
    {
        string file1 = Path.Combine(_f.Test, "zebra", "t00.png"), file2 = Path.Combine(_f.Test, "Mango", "t01.png");
        string folder = Path.Combine(_f.Test, "apple");
        var r = DeepenRunner.Expect(0, "predict", "--model", _f.Multi.ModelPath, file1, file2, folder, "--json");
        Assert.Equal("", r.Err);
        var predictions = Predictions(r);
        var expectedPaths = new[] { file1, file2 }.Concat(Directory.GetFiles(folder).Order(StringComparer.Ordinal)).ToArray();
        Assert.Equal(expectedPaths, predictions.Select(p => p.GetProperty("path").GetString()));
        Assert.All(predictions, p => AssertValid(p, TrainedModelFixture.MultiClasses, 3));
    }

    [Theory]
    [InlineData("multi", "1", 1)]
    [InlineData("multi", "2", 2)]
    [InlineData("multi", "10", 3)]
    [InlineData("binary", null, 2)]
    [InlineData("binary", "1", 1)]
    public void TopKHasMinOfKAndTheNumberOfClassesEntries(string run, string? k, int expected)
    {
        var trained = run == "multi" ? _f.Multi : _f.Binary;
        var args = new List<string> { "predict", "--model", trained.ModelPath, Path.Combine(trained.Train, trained.ClassNames[1]), "--json" };
        if (k is not null) args.AddRange(new[] { "--top-k", k });
        var predictions = Predictions(DeepenRunner.Expect(0, args.ToArray()));
        Assert.Equal(TrainedModelFixture.TrainPerClass, predictions.Length);
        Assert.All(predictions, p => AssertValid(p, trained.ClassNames, expected));
    }

    [Theory]
    [InlineData("multi")]
    [InlineData("binary")]
    public void TrainingImagesOfAnObviousClassArePredictedRight(string run)
    {
        var trained = run == "multi" ? _f.Multi : _f.Binary;
        var predictions = Predictions(DeepenRunner.Expect(0, "predict", "--model", trained.ModelPath, trained.Train, "--json"));
        Assert.Equal(trained.ClassNames.Length * TrainedModelFixture.TrainPerClass, predictions.Length);
        foreach (var p in predictions)
        {
            string path = p.GetProperty("path").GetString()!;
            Assert.Equal(Path.GetFileName(Path.GetDirectoryName(path)), p.GetProperty("class").GetString());
        }
    }

    [Fact]
    public void CsvHasAHeaderAndOneRowPerImage()
    {
        string folder = Path.Combine(_f.Test, "Mango");
        var r = DeepenRunner.Expect(0, "predict", "--model", _f.Multi.ModelPath, folder, "--csv", "--top-k", "2");
        var lines = r.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToArray();
        Assert.Equal("path,class,probability,top_k,error", lines[0]);
        var files = Directory.GetFiles(folder).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(files.Length, lines.Length - 1);
        for (int i = 0; i < files.Length; i++)
        {
            var cells = lines[i + 1].Split(',');
            Assert.Equal(5, cells.Length);
            Assert.Equal(files[i], cells[0]);
            Assert.Equal("Mango", cells[1]);
            double probability = double.Parse(cells[2], CultureInfo.InvariantCulture);
            Assert.InRange(probability, 0.5, 1);
            var top = cells[3].Split(';');
            Assert.Equal(2, top.Length);
            Assert.StartsWith("Mango:", top[0]);
            Assert.All(top, t => Assert.Contains(t.Split(':')[0], TrainedModelFixture.MultiClasses));
            Assert.Equal("", cells[4]);
        }
    }

    [Fact]
    public void TextOutputHasOneLinePerImage()
    {
        string file = Path.Combine(_f.Test, "zebra", "t03.png");
        var r = DeepenRunner.Expect(0, "predict", "--model", _f.Multi.ModelPath, file);
        var line = Assert.Single(r.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith($"{file}: zebra (", line);
        Assert.Contains("top-3: zebra ", line);
    }

    [Fact]
    public void UnreadableImagesAmongValidOnesGetAnErrorEntryAndExitZero()
    {
        string folder = _f.NewFolder("mixed");
        File.Copy(Path.Combine(_f.Test, "apple", "t00.png"), Path.Combine(folder, "a.png"));
        File.Copy(Path.Combine(_f.Test, "zebra", "t00.png"), Path.Combine(folder, "z.png"));
        var (empty, corrupt) = ClassImages.WriteBrokenFiles(folder);
        string text = Path.Combine(folder, "notes.jpg");
        File.WriteAllText(text, "not a picture");
        TestImages.Png(Path.Combine(folder, ".hidden.png"), 16, 16, TestImages.Pattern(1));     // hidden: ignored
        File.WriteAllText(Path.Combine(folder, "readme.txt"), "not an image extension: ignored");

        var r = DeepenRunner.Expect(0, "predict", "--model", _f.Multi.ModelPath, folder, "--json");
        var byName = Predictions(r).ToDictionary(p => Path.GetFileName(p.GetProperty("path").GetString()!));
        Assert.Equal(new[] { "a.png", "corrupt.jpg", "empty.png", "notes.jpg", "z.png" }, byName.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("apple", byName["a.png"].GetProperty("class").GetString());
        Assert.Equal("zebra", byName["z.png"].GetProperty("class").GetString());
        foreach (var (name, path) in new[] { ("corrupt.jpg", corrupt), ("empty.png", empty), ("notes.jpg", text) })
        {
            var p = byName[name];
            Assert.Contains(path, p.GetProperty("error").GetString());
            Assert.Equal(JsonValueKind.Null, p.GetProperty("class").ValueKind);
            Assert.Equal(JsonValueKind.Null, p.GetProperty("probability").ValueKind);
            Assert.Equal(0, p.GetProperty("top_k").GetArrayLength());
        }

        var csv = DeepenRunner.Expect(0, "predict", "--model", _f.Multi.ModelPath, empty, Path.Combine(folder, "a.png"), "--csv");
        var rows = csv.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, rows.Length);
        Assert.StartsWith($"{empty},,,,\"Image \"\"{empty}\"\" cannot be loaded", rows[1]);
        Assert.StartsWith($"{Path.Combine(folder, "a.png")},apple,", rows[2]);
    }

    [Fact]
    public void OnlyUnreadableImagesExitFour()
    {
        string folder = _f.NewFolder("all-broken");
        var (empty, corrupt) = ClassImages.WriteBrokenFiles(folder);
        var r = DeepenRunner.ExpectError(4, new[] { "predict", "--model", _f.Multi.ModelPath, empty, corrupt, "--json" }, "none of the 2");
        Assert.All(Predictions(r), p => Assert.NotEqual(JsonValueKind.Null, p.GetProperty("error").ValueKind));
    }

    // ---- bad arguments ----

    [Fact]
    public void MissingArgumentsAndConflictingOptionsExitTwo()
    {
        string image = Path.Combine(_f.Test, "apple", "t00.png");
        DeepenRunner.ExpectError(2, new[] { "predict", image }, "--model", "required");
        DeepenRunner.ExpectError(2, new[] { "predict", "--model", _f.Multi.ModelPath }, "PATH");
        DeepenRunner.ExpectError(2, new[] { "predict", "--model", _f.Multi.ModelPath, image, "--json", "--csv" }, "--json", "--csv");
        DeepenRunner.ExpectError(2, new[] { "predict", "--model", _f.Multi.ModelPath, image, "--top-k", "0" }, "--top-k", "0");
        DeepenRunner.ExpectError(2, new[] { "predict", "--model", _f.Multi.ModelPath, image, "--top-k", "two" }, "--top-k", "two");
        DeepenRunner.ExpectError(2, new[] { "predict", "--model", _f.Multi.ModelPath, image, "--bogus" }, "--bogus");
    }

    [Fact]
    public void AMissingPathOrModelExitsThree()
    {
        string image = Path.Combine(_f.Test, "apple", "t00.png");
        string missing = Path.Combine(_f.NewFolder("missing"), "nothing.png");
        var r = DeepenRunner.ExpectError(3, new[] { "predict", "--model", _f.Multi.ModelPath, image, missing, "--json" }, "PATH", missing);
        Assert.Equal("", r.Out);
        DeepenRunner.ExpectError(3, new[] { "predict", "--model", missing + ".deepen", image }, "--model", missing + ".deepen");
    }

    [Fact]
    public void ACorruptModelOrAFolderWithoutImagesExitsFour()
    {
        string image = Path.Combine(_f.Test, "apple", "t00.png");
        foreach (string model in new[] { _f.GarbageModel(), _f.TruncatedModel() })
            DeepenRunner.ExpectError(4, new[] { "predict", "--model", model, image }, "--model", model);
        string empty = _f.NewFolder("no-images");
        File.WriteAllText(Path.Combine(empty, "readme.txt"), "no images here");
        DeepenRunner.ExpectError(4, new[] { "predict", "--model", _f.Multi.ModelPath, empty }, "No image files", empty);
    }
}
