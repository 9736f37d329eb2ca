namespace Trawl.Store.Related;

/// <summary>A column whose values are the keys of another table's rows (<c>captions.image_id → images.id</c>), with
/// the other table's column to show as the link's label (null: the key itself).</summary>
public sealed record ForeignKey(string Table, string Column, string OtherTable, string OtherColumn, string? LabelColumn)
{
    /// <summary><c>COL=TABLE.COLUMN</c> (<c>--fk image_id=images.id</c>) for a column of <paramref name="table"/>.</summary>
    public static ForeignKey Parse(string table, string spec)
    {
        int eq = spec.IndexOf('=');
        int dot = spec.LastIndexOf('.');
        if (eq <= 0 || dot <= eq + 1 || dot == spec.Length - 1)
            throw new UserErrorException($"--fk '{spec}' should look like COLUMN=TABLE.COLUMN, e.g. image_id=images.id");
        return new ForeignKey(table, spec[..eq].Trim(), spec[(eq + 1)..dot].Trim(), spec[(dot + 1)..].Trim(), null);
    }
}
