namespace Deepen.Saving;

/// <summary>A model file that cannot be read: truncated, corrupted, edited by hand or not a Deepen model at all.</summary>
public sealed class ModelFileException : IOException
{
    /// <summary>Creates the exception; the message reads <c>Cannot load model file "path": problem</c>.</summary>
    /// <param name="path">The file that could not be read.</param>
    /// <param name="problem">What is wrong with it, in words.</param>
    /// <param name="inner">The exception that revealed the problem, if any.</param>
    public ModelFileException(string path, string problem, Exception? inner = null)
        : base($"Cannot load model file \"{path}\": {problem}", inner)
    {
        Path = path;
        Problem = problem;
    }

    /// <summary>The file.</summary>
    public string Path { get; }
    /// <summary>What is wrong with it.</summary>
    public string Problem { get; }
}
