using System.Text.Json;

namespace Deepen.Reports;

internal static partial class ReportJson
{
    /// <summary>The memorization-vs-understanding numbers: gap, overfitting epoch, heatmaps, confusions, leakage.</summary>
    static void Understanding(Utf8JsonWriter w, Report report)
    {
        if (report.Gap is { } gap)
        {
            w.WriteStartObject("generalization_gap");
            w.WriteStartArray("epochs");
            for (int e = 1; e <= gap.Epochs; e++) w.WriteNumberValue(e);
            w.WriteEndArray();
            Array(w, "loss", gap.TrainLoss);
            Array(w, "val_loss", gap.ValidationLoss);
            Array(w, "loss_gap", gap.LossGap);
            if (gap.AccuracyGap is { } acc) Array(w, "accuracy_gap", acc); else w.WriteNull("accuracy_gap");
            w.WriteNumber("best_epoch", gap.BestEpoch);
            if (gap.OverfittingEpoch is int o) w.WriteNumber("overfitting_epoch", o); else w.WriteNull("overfitting_epoch");
            w.WriteString("definition", "overfitting_epoch: the 1-based epoch with the lowest val_loss, when the last epoch's val_loss is more than 1% above it; else null");
            w.WriteEndObject();
            if (gap.OverfittingEpoch is int epoch) w.WriteNumber("overfitting_epoch", epoch); else w.WriteNull("overfitting_epoch");
        }
        else
        {
            w.WriteNull("generalization_gap");
            w.WriteNull("overfitting_epoch");
        }

        w.WriteStartArray("most_confused");
        foreach (var (t, p, n) in report.MostConfused)
        {
            w.WriteStartObject();
            w.WriteString("true", t);
            w.WriteString("predicted", p);
            w.WriteNumber("count", n);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        Number(w, "confidently_wrong_threshold", report.ConfidentlyWrongThreshold);
        Examples(w, "confidently_wrong", report.ConfidentlyWrong, report);

        w.WriteStartObject("top_loss_explanations");
        if (report.ExplanationMethod is null) w.WriteNull("method"); else w.WriteString("method", report.ExplanationMethod);
        if (report.ExplanationLayer is null) w.WriteNull("layer"); else w.WriteString("layer", report.ExplanationLayer);
        if (report.ExplanationNote is null) w.WriteNull("note"); else w.WriteString("note", report.ExplanationNote);
        if (report.TopLossExplanations.Count > 0) w.WriteString("figure", Report.TopLossOverlaysFileName); else w.WriteNull("figure");
        w.WriteStartArray("items");
        foreach (var t in report.TopLossExplanations)
        {
            w.WriteStartObject();
            w.WriteNumber("index", t.Index);
            w.WriteNumber("target_class", t.TargetClass);
            w.WriteString("target_name", report.ClassNames[t.TargetClass]);
            w.WriteNumber("peak_x", t.PeakX);
            w.WriteNumber("peak_y", t.PeakY);
            w.WriteStartObject("deletion");
            Number(w, "explanation", t.Deletion);
            Number(w, "random", t.RandomDeletion);
            w.WriteEndObject();
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();

        if (report.Leakage is { } leak)
        {
            w.WriteStartObject("leakage");
            w.WriteNumber("leaked_count", leak.LeakedCount);
            w.WriteStartArray("leaked_samples");
            foreach (int i in leak.LeakedSamples) w.WriteNumberValue(i);
            w.WriteEndArray();
            Number(w, "accuracy", leak.Accuracy);
            if (leak.AccuracyWithoutLeaked is double c) Number(w, "accuracy_without_leaked", c); else w.WriteNull("accuracy_without_leaked");
            if (leak.AccuracyOnLeaked is double l) Number(w, "accuracy_on_leaked", l); else w.WriteNull("accuracy_on_leaked");
            Number(w, "inflation", leak.Inflation);
            w.WriteNumber("leakage_findings", leak.LeakageFindings);
            w.WriteNumber("duplicate_findings", leak.DuplicateFindings);
            w.WriteNumber("label_conflict_findings", leak.LabelConflictFindings);
            w.WriteEndObject();
        }
        else w.WriteNull("leakage");
    }

    static void Array(Utf8JsonWriter w, string name, IReadOnlyList<double> values)
    {
        w.WriteStartArray(name);
        foreach (double v in values) if (double.IsFinite(v)) w.WriteNumberValue(v); else w.WriteNullValue();
        w.WriteEndArray();
    }
}
