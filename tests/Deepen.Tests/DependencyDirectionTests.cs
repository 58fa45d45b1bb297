using System.Text.RegularExpressions;

namespace Deepen.Tests;

/// <summary>
/// The library's namespaces form layers, Data → Model → Trainer → Callbacks → Report flowing one way: a file may
/// <c>using</c> its own layer or a lower one, never a higher one. The engine (models, training, callbacks, saving, ONNX,
/// distributed) is one layer, as Keras's Model, Trainer and callbacks are one another's collaborators.
/// </summary>
public sealed class DependencyDirectionTests
{
    static readonly string[][] Layers =
    {
        new[] { "Utils" },
        new[] { "Regularizers", "Constraints" },         // plain tensor functions that weights carry
        new[] { "" },                                   // the core: Backend, Shape, Weight, LayerConfig
        new[] { "Ops" },
        new[] { "Activations", "MixedPrecision" },
        new[] { "Layers" },
        new[] { "Losses" },
        new[] { "Metrics" },
        new[] { "Optimizers" },
        new[] { "Data" },
        new[] { "Models", "Training", "Callbacks", "Saving", "Onnx", "Distributed" },
        new[] { "Imaging" },
        new[] { "Explain" },
        new[] { "Reports" },
        new[] { "Applications" },
    };

    static int LevelOf(string topNamespace) =>
        Array.FindIndex(Layers, l => l.Contains(topNamespace)) is int i and >= 0
            ? i : throw new InvalidOperationException($"Namespace Deepen.{topNamespace} has no layer in {nameof(DependencyDirectionTests)}: add it where it belongs.");

    static string SourceRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Deepen.sln"))) return Path.Combine(dir.FullName, "src", "Deepen");
        throw new DirectoryNotFoundException("Deepen.sln not found above " + AppContext.BaseDirectory);
    }

    [Fact]
    public void NoUsingPointsFromALowerNamespaceToAHigherOne()
    {
        string root = SourceRoot();
        var violations = new List<string>();
        int files = 0;
        foreach (var file in Directory.EnumerateFiles(root, "*.cs", SearchOption.AllDirectories))
        {
            string relative = Path.GetRelativePath(root, file);
            if (relative.Split(Path.DirectorySeparatorChar)[0] is "bin" or "obj" or "build") continue;
            files++;
            string text = File.ReadAllText(file);
            var ns = Regex.Match(text, @"^namespace Deepen(?:\.(\w+))?", RegexOptions.Multiline);
            Assert.True(ns.Success, $"{relative} has no Deepen namespace");
            int own = LevelOf(ns.Groups[1].Value);
            foreach (Match u in Regex.Matches(text, @"^using (?:static )?Deepen\.(\w+)", RegexOptions.Multiline))
                if (LevelOf(u.Groups[1].Value) > own)
                    violations.Add($"{relative} (Deepen.{ns.Groups[1].Value}) uses Deepen.{u.Groups[1].Value}");
        }
        Assert.True(files > 100, $"only {files} source files found under {root}");
        Assert.True(violations.Count == 0, "Upward dependencies:\n" + string.Join("\n", violations));
    }

    [Fact]
    public void TheCheckCatchesAnUpwardUsing()
    {
        Assert.True(LevelOf("Layers") < LevelOf("Models"));
        Assert.True(LevelOf("Explain") < LevelOf("Reports"));
        Assert.Throws<InvalidOperationException>(() => LevelOf("Unknown"));
    }
}
