using Trawl.Store.Related;

namespace Trawl.Server.Views;

/// <summary>A foreign-key column of a page with the rows its values point at (by the value's text, see
/// <see cref="KeyLinks.Text"/>): cells become links to those rows, labelled where the other table has a label.</summary>
internal sealed record LinkedColumn(ForeignKey Key, IReadOnlyDictionary<string, KeyTarget> Targets)
{
    public KeyTarget? Find(object? value) =>
        value is null or byte[] ? null : Targets.TryGetValue(KeyLinks.Text(value), out var t) ? t : null;
}
