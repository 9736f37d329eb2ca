namespace Trawl.Store.Export;

/// <summary>The layouts <see cref="DatasetExport"/> writes.</summary>
public enum ExportFormat
{
    /// <summary>part-00000.parquet …</summary>
    Parquet,
    /// <summary>part-00000.csv … with a header row.</summary>
    Csv,
    /// <summary>part-00000.jsonl …, one JSON object a row.</summary>
    Jsonl,
    /// <summary>clip-retrieval's layout: metadata/metadata_0000.parquet with img_emb/img_emb_0000.npy (and every other vector set) row for row.</summary>
    Laion,
    /// <summary>Tar shards shard-00000.tar with KEY.json (the row) and KEY.txt (the caption) per row.</summary>
    WebDataset,
    /// <summary>The SISAP indexing challenge's layout: emb-00000.h5 (dataset "emb") with meta-00000.tsv, row for row.</summary>
    SisapH5,
}
