/// <summary>Argument and bundled-data helpers shared by the example programs (compiled into each of them).</summary>
static class ExampleArgs
{
    /// <summary>The value after <paramref name="name"/> on the command line, or null.</summary>
    public static string? Get(string[] args, string name)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }

    /// <summary>Finds a folder of the repository (e.g. "datasets/mnist") above the program's own folder.</summary>
    public static string FindBundled(string relative)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (Directory.Exists(Path.Combine(dir.FullName, relative))) return Path.Combine(dir.FullName, relative);
        throw new DirectoryNotFoundException($"Cannot find {relative} above {AppContext.BaseDirectory}; pass --data DIR.");
    }
}
