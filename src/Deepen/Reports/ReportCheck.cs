namespace Deepen.Reports;

/// <summary>
/// Errors in Deepen's Keras style (argument, expectation, what was received) for values better described in words
/// than printed, such as a tensor's shape or a data source that yielded nothing.
/// </summary>
internal static class ReportCheck
{
    public static ArgumentException Described(string argument, string received, string expected) =>
        new($"Invalid value received for argument `{argument}`. Expected {expected}. Received: {received}.", argument);
}
