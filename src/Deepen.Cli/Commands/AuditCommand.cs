using System.CommandLine;
using Deepen.Data.Audit;

namespace Deepen.Cli.Commands;

/// <summary>
/// <c>deepen audit</c>: the data-anomaly report of a folder of class subfolders — unreadable, truncated, empty or
/// non-image files, odd channel counts and sizes, duplicates, label conflicts — and, with <c>--against</c>, the
/// images of that folder (the test set) that also appear in the audited one (leakage).
/// </summary>
public static class AuditCommand
{
    /// <summary>Builds the <c>deepen audit</c> command: its options, validators and the action that runs it.</summary>
    public static Command Create()
    {
        var dir = new Argument<string>("DIR") { Description = "Folder of images, one subfolder per class (e.g. the training set)." };
        var against = new Option<string?>("--against") { Description = "A second folder (e.g. the test set) to check for images that also appear in DIR." };
        var json = new Option<bool>("--json") { Description = "Print the report as JSON." };
        var strict = new Option<bool>("--strict") { Description = "Exit with code 4 when any file is marked." };
        var command = new Command("audit", "Find anomalous files: corrupt, truncated, empty, duplicated, conflicting or leaked images.") { dir, against, json, strict };
        command.SetBody(p =>
        {
            string directory = p.GetValue(dir)!;
            string? reference = p.GetValue(against);
            CommonChecks.Directory(directory, "DIR");
            if (reference is not null) CommonChecks.Directory(reference, "--against");
            var report = reference is null ? DataAudit.Run(directory) : DataAudit.Run(directory, reference);
            if (p.GetValue(json)) Console.WriteLine(report.ToJson());
            else
            {
                Console.WriteLine(report.Summary());
                foreach (var e in report.Entries)
                    Console.WriteLine($"  {AuditReport.KindName(e.Kind),-18} {e.Path}{(e.RelatedPath is null ? "" : $"  (same as {e.RelatedPath})")}: {e.Reason}");
            }
            return p.GetValue(strict) && !report.IsClean ? ExitCodes.BadInput : ExitCodes.Ok;
        });
        return command;
    }
}
