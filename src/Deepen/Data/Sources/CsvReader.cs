using System.Text;

namespace Deepen.Data.Sources;

/// <summary>A small RFC 4180 reader: comma-separated fields, double-quoted fields with "" escapes and embedded newlines.</summary>
internal static class CsvReader
{
    public static List<string[]> ReadAll(string path)
    {
        var rows = new List<string[]>();
        var fields = new List<string>();
        var field = new StringBuilder();
        bool quoted = false, any = false;
        string text = File.ReadAllText(path);
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"') { field.Append('"'); i++; }
                else if (c == '"') quoted = false;
                else field.Append(c);
                continue;
            }
            switch (c)
            {
                case '"': quoted = true; any = true; break;
                case ',': fields.Add(field.ToString()); field.Clear(); any = true; break;
                case '\r': break;
                case '\n': EndRow(); break;
                default: field.Append(c); any = true; break;
            }
        }
        EndRow();
        return rows;

        void EndRow()
        {
            if (any || field.Length > 0) { fields.Add(field.ToString()); rows.Add(fields.ToArray()); }
            fields.Clear(); field.Clear(); any = false;
        }
    }
}
