//! Fixed-size records kept in memory up to a cap and, past it, in an anonymous temporary file,
//! so that an article with millions of findings keeps a bounded number of them in memory.
//!
//! The file comes from [`tempfile::tempfile`]: it has no name (unlinked at once, or opened with
//! `O_TMPFILE`), so nothing is left behind even when the process is killed. It is written and
//! read at explicit offsets only, so several readers of one file never disturb each other.
//!
//! [`Seq`] keeps records in the order they come; [`Runs`] sorts them by [`Record::key`]: each
//! chunk of `cap` records is sorted when it is spilled, a chunk that starts at or after the end
//! of the previous one continues its run (a huge article's findings come nearly in order, so
//! there is usually one run), and [`Sorted::merge`] merges the runs.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::fs::File;
use std::io;

/// Records kept in memory before the first spill: 65,536 findings of 72 bytes are 4.7 MB
/// (the chunk being filled while windows are checked sits beside a window's [`Document`]).
///
/// [`Document`]: crate::segment::Document
pub(crate) const CAP: usize = 1 << 16;
/// Bytes written or read at a time.
const BUFFER: usize = 64 << 10;

/// A value stored as `SIZE` bytes.
pub(crate) trait Record: Sized {
    const SIZE: usize;
    /// Appends exactly `SIZE` bytes.
    fn encode(&self, out: &mut Vec<u8>);
    /// Reads what [`Record::encode`] wrote.
    fn decode(bytes: &[u8]) -> io::Result<Self>;
    /// The order of [`Runs`].
    fn key(&self) -> (u64, u64);
}

/// An anonymous temporary file of records, appended through a buffer.
#[derive(Debug)]
pub(crate) struct Disk {
    file: File,
    /// Records appended (some may still be in `buffer`).
    records: u64,
    /// Bytes in the file.
    written: u64,
    buffer: Vec<u8>,
}

impl Disk {
    pub(crate) fn new() -> io::Result<Disk> {
        Ok(Disk {
            file: tempfile::tempfile()?,
            records: 0,
            written: 0,
            buffer: Vec::with_capacity(BUFFER),
        })
    }

    fn push<T: Record>(&mut self, x: &T) -> io::Result<()> {
        x.encode(&mut self.buffer);
        self.records += 1;
        if self.buffer.len() >= BUFFER {
            self.flush()?;
        }
        Ok(())
    }

    /// Appends bytes of records of varying length, which the caller counts and reads back
    /// itself (through [`Disk::file`]).
    pub(crate) fn append(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.buffer.extend_from_slice(bytes);
        if self.buffer.len() >= BUFFER {
            self.flush()?;
        }
        Ok(())
    }

    /// Bytes appended so far, flushed or not.
    pub(crate) fn len(&self) -> u64 {
        self.written + self.buffer.len() as u64
    }

    pub(crate) fn file(&self) -> &File {
        &self.file
    }

    pub(crate) fn flush(&mut self) -> io::Result<()> {
        write_at(&self.file, &self.buffer, self.written)?;
        self.written += self.buffer.len() as u64;
        self.buffer.clear();
        Ok(())
    }

    /// Records `from..to`, in order (the buffer must have been flushed).
    fn reader<T: Record>(&self, from: u64, to: u64) -> Reader<'_, T> {
        Reader {
            file: &self.file,
            next: from,
            end: to,
            buffer: Vec::new(),
            at: 0,
            _record: std::marker::PhantomData,
        }
    }
}

/// Reads records of a [`Disk`] through a buffer of its own.
pub(crate) struct Reader<'a, T> {
    file: &'a File,
    /// The next record to read from the file, and the end.
    next: u64,
    end: u64,
    buffer: Vec<u8>,
    /// Position in `buffer`.
    at: usize,
    _record: std::marker::PhantomData<T>,
}

impl<T: Record> Reader<'_, T> {
    fn next(&mut self) -> io::Result<Option<T>> {
        if self.at == self.buffer.len() {
            if self.next == self.end {
                return Ok(None);
            }
            let n = (self.end - self.next).min((BUFFER / T::SIZE).max(1) as u64);
            self.buffer.resize(n as usize * T::SIZE, 0);
            read_at(self.file, &mut self.buffer, self.next * T::SIZE as u64)?;
            self.next += n;
            self.at = 0;
        }
        let record = T::decode(&self.buffer[self.at..self.at + T::SIZE])?;
        self.at += T::SIZE;
        Ok(Some(record))
    }
}

#[cfg(unix)]
pub(crate) fn write_at(file: &File, bytes: &[u8], offset: u64) -> io::Result<()> {
    std::os::unix::fs::FileExt::write_all_at(file, bytes, offset)
}

#[cfg(unix)]
pub(crate) fn read_at(file: &File, bytes: &mut [u8], offset: u64) -> io::Result<()> {
    std::os::unix::fs::FileExt::read_exact_at(file, bytes, offset)
}

#[cfg(windows)]
pub(crate) fn write_at(file: &File, mut bytes: &[u8], mut offset: u64) -> io::Result<()> {
    use std::os::windows::fs::FileExt;
    while !bytes.is_empty() {
        match file.seek_write(bytes, offset) {
            Ok(0) => return Err(io::ErrorKind::WriteZero.into()),
            Ok(n) => {
                bytes = &bytes[n..];
                offset += n as u64;
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

#[cfg(windows)]
pub(crate) fn read_at(file: &File, mut bytes: &mut [u8], mut offset: u64) -> io::Result<()> {
    use std::os::windows::fs::FileExt;
    while !bytes.is_empty() {
        match file.seek_read(bytes, offset) {
            Ok(0) => return Err(io::ErrorKind::UnexpectedEof.into()),
            Ok(n) => {
                bytes = &mut std::mem::take(&mut bytes)[n..];
                offset += n as u64;
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

/// Records in the order they were pushed: in memory up to the cap, then all on disk.
#[derive(Debug)]
pub(crate) struct Seq<T> {
    cap: usize,
    memory: Vec<T>,
    disk: Option<Disk>,
}

impl<T: Record> Seq<T> {
    pub(crate) fn new(cap: usize) -> Seq<T> {
        Seq {
            cap,
            memory: Vec::new(),
            disk: None,
        }
    }

    /// Records kept in memory at most.
    pub(crate) fn cap(&self) -> usize {
        self.cap
    }

    pub(crate) fn len(&self) -> usize {
        match &self.disk {
            Some(d) => usize::try_from(d.records).unwrap_or(usize::MAX),
            None => self.memory.len(),
        }
    }

    pub(crate) fn push(&mut self, x: T) -> io::Result<()> {
        if let Some(d) = &mut self.disk {
            return d.push(&x);
        }
        self.memory.push(x);
        if self.memory.len() > self.cap {
            let mut d = Disk::new()?;
            for x in &self.memory {
                d.push(x)?;
            }
            self.memory = Vec::new();
            self.disk = Some(d);
        }
        Ok(())
    }

    /// Ends writing: what is buffered goes to the file.
    pub(crate) fn finish(&mut self) -> io::Result<()> {
        match &mut self.disk {
            Some(d) => d.flush(),
            None => {
                self.memory.shrink_to_fit();
                Ok(())
            }
        }
    }

    /// The temporary file, once spilled (for tests that break it).
    #[cfg(test)]
    pub(crate) fn file(&self) -> Option<&File> {
        self.disk.as_ref().map(|d| &d.file)
    }

    /// Every record, in order (after [`Seq::finish`]).
    pub(crate) fn reader(&self) -> SeqReader<'_, T> {
        match &self.disk {
            Some(d) => SeqReader::Disk(d.reader(0, d.records)),
            None => SeqReader::Memory(self.memory.iter()),
        }
    }
}

impl<T> Default for Seq<T> {
    fn default() -> Self {
        Seq {
            cap: CAP,
            memory: Vec::new(),
            disk: None,
        }
    }
}

/// Reads a [`Seq`].
pub(crate) enum SeqReader<'a, T> {
    Memory(std::slice::Iter<'a, T>),
    Disk(Reader<'a, T>),
}

impl<T: Record + Clone> SeqReader<'_, T> {
    pub(crate) fn next(&mut self) -> io::Result<Option<T>> {
        match self {
            SeqReader::Memory(it) => Ok(it.next().cloned()),
            SeqReader::Disk(r) => r.next(),
        }
    }
}

/// Records to be read back in [`Record::key`] order.
#[derive(Debug)]
pub(crate) struct Runs<T> {
    cap: usize,
    chunk: Vec<T>,
    disk: Option<Disk>,
    /// Where each spilled run starts (in records).
    starts: Vec<u64>,
    /// The key of the last record spilled.
    last: Option<(u64, u64)>,
}

impl<T: Record> Runs<T> {
    pub(crate) fn new(cap: usize) -> Runs<T> {
        Runs {
            cap: cap.max(1),
            chunk: Vec::new(),
            disk: None,
            starts: Vec::new(),
            last: None,
        }
    }

    pub(crate) fn push(&mut self, x: T) -> io::Result<()> {
        self.chunk.push(x);
        if self.chunk.len() >= self.cap {
            self.spill()?;
        }
        Ok(())
    }

    /// Sorts the chunk and appends it to the file: to the last run when it starts at or after
    /// that run's end, else as a new run.
    fn spill(&mut self) -> io::Result<()> {
        self.chunk.sort_by_key(T::key);
        let (Some(first), Some(last)) = (self.chunk.first(), self.chunk.last()) else {
            return Ok(());
        };
        let disk = match &mut self.disk {
            Some(d) => d,
            None => self.disk.insert(Disk::new()?),
        };
        if self.last.is_none_or(|l| first.key() < l) {
            self.starts.push(disk.records);
        }
        self.last = Some(last.key());
        for x in &self.chunk {
            disk.push(x)?;
        }
        self.chunk.clear();
        Ok(())
    }

    /// Ends writing.
    pub(crate) fn sorted(mut self) -> io::Result<Sorted<T>> {
        if self.disk.is_none() {
            self.chunk.sort_by_key(T::key);
            return Ok(Sorted::Memory(self.chunk));
        }
        self.spill()?;
        let Some(mut disk) = self.disk else {
            return Ok(Sorted::Memory(Vec::new()));
        };
        disk.flush()?;
        let mut runs: Vec<(u64, u64)> = self.starts.windows(2).map(|w| (w[0], w[1])).collect();
        if let Some(&last) = self.starts.last() {
            runs.push((last, disk.records));
        }
        Ok(Sorted::Disk(disk, runs))
    }
}

impl<T> Default for Runs<T> {
    fn default() -> Self {
        Runs {
            cap: CAP,
            chunk: Vec::new(),
            disk: None,
            starts: Vec::new(),
            last: None,
        }
    }
}

/// The records of [`Runs`], ready to be merged (as many times as needed).
#[derive(Debug)]
pub(crate) enum Sorted<T> {
    Memory(Vec<T>),
    /// The file and its runs (first and end record of each).
    Disk(Disk, Vec<(u64, u64)>),
}

impl<T: Record + Clone> Sorted<T> {
    /// Every record in key order; equal keys in run order.
    pub(crate) fn merge(&self) -> Merge<'_, T> {
        match self {
            Sorted::Memory(v) => Merge::Memory(v.iter()),
            Sorted::Disk(d, runs) => Merge::Disk {
                readers: runs.iter().map(|&(a, b)| d.reader(a, b)).collect(),
                heads: Vec::new(),
                heap: BinaryHeap::new(),
                started: false,
            },
        }
    }
}

/// A merge of sorted runs.
pub(crate) enum Merge<'a, T> {
    Memory(std::slice::Iter<'a, T>),
    Disk {
        readers: Vec<Reader<'a, T>>,
        /// The next record of each run…
        heads: Vec<Option<T>>,
        /// …and the runs by the key of their next record.
        heap: BinaryHeap<Reverse<((u64, u64), usize)>>,
        started: bool,
    },
}

impl<T: Record + Clone> Merge<'_, T> {
    pub(crate) fn next(&mut self) -> io::Result<Option<T>> {
        match self {
            Merge::Memory(it) => Ok(it.next().cloned()),
            Merge::Disk {
                readers,
                heads,
                heap,
                started,
            } => {
                // One run (findings in order, the usual case): no heap.
                if let [only] = readers.as_mut_slice() {
                    return only.next();
                }
                if !*started {
                    *started = true;
                    for (i, r) in readers.iter_mut().enumerate() {
                        let head = r.next()?;
                        if let Some(h) = &head {
                            heap.push(Reverse((h.key(), i)));
                        }
                        heads.push(head);
                    }
                }
                let Some(Reverse((_, i))) = heap.pop() else {
                    return Ok(None);
                };
                let next = readers[i].next()?;
                if let Some(n) = &next {
                    heap.push(Reverse((n.key(), i)));
                }
                Ok(std::mem::replace(&mut heads[i], next))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A record: (key, payload).
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    struct R(u64, u32);

    impl Record for R {
        const SIZE: usize = 12;
        fn encode(&self, out: &mut Vec<u8>) {
            out.extend_from_slice(&self.0.to_le_bytes());
            out.extend_from_slice(&self.1.to_le_bytes());
        }
        fn decode(b: &[u8]) -> io::Result<Self> {
            let mut k = [0; 8];
            k.copy_from_slice(&b[..8]);
            let mut p = [0; 4];
            p.copy_from_slice(&b[8..12]);
            Ok(R(u64::from_le_bytes(k), u32::from_le_bytes(p)))
        }
        fn key(&self) -> (u64, u64) {
            (self.0, u64::from(self.1))
        }
    }

    fn merged(s: &Sorted<R>) -> Vec<R> {
        let mut m = s.merge();
        let mut out = Vec::new();
        while let Some(r) = m.next().unwrap() {
            out.push(r);
        }
        out
    }

    /// Whatever the cap (all in memory, one run, many runs), records come back sorted by key,
    /// and as often as asked.
    #[test]
    fn runs_merge_in_key_order_whatever_the_cap() {
        let cases: Vec<(&str, Vec<u64>)> = vec![
            ("in order", (0..5000).map(|i| i / 3).collect()),
            ("reversed", (0..5000).rev().collect()),
            (
                "nearly in order",
                (0..5000).map(|i| i + (i * 7919) % 13).collect(),
            ),
            ("scrambled", (0..5000).map(|i| (i * 7919) % 1009).collect()),
            ("empty", Vec::new()),
        ];
        for (name, keys) in cases {
            let records: Vec<R> = keys
                .iter()
                .enumerate()
                .map(|(i, &k)| R(k, i as u32))
                .collect();
            let mut expected = records.clone();
            expected.sort_by_key(R::key);
            for cap in [1, 7, 100, 4999, 5000, 100_000] {
                let mut runs = Runs::new(cap);
                for r in &records {
                    runs.push(*r).unwrap();
                }
                let sorted = runs.sorted().unwrap();
                let spilled = matches!(sorted, Sorted::Disk(..));
                assert_eq!(spilled, cap <= records.len(), "{name} cap {cap}");
                assert_eq!(merged(&sorted), expected, "{name} cap {cap}");
                assert_eq!(merged(&sorted), expected, "{name} cap {cap}, again");
            }
        }
    }

    #[test]
    fn records_in_order_make_one_run() {
        let mut runs = Runs::new(10);
        for i in 0..1000 {
            runs.push(R(i / 4, 0)).unwrap();
        }
        match runs.sorted().unwrap() {
            Sorted::Disk(_, r) => assert_eq!(r, vec![(0, 1000)]),
            Sorted::Memory(_) => panic!("not spilled"),
        }
    }

    #[test]
    fn a_seq_keeps_push_order_in_memory_and_on_disk() {
        for (n, cap) in [
            (0u64, 10),
            (10, 10),
            (11, 10),
            (20_000, 10),
            (20_000, 1 << 20),
        ] {
            let mut seq = Seq::new(cap);
            let records: Vec<R> = (0..n).map(|i| R((i * 31) % 17, i as u32)).collect();
            for r in &records {
                seq.push(*r).unwrap();
            }
            seq.finish().unwrap();
            assert_eq!(seq.len(), records.len());
            assert_eq!(seq.disk.is_some(), n > cap as u64, "{n} {cap}");
            for _ in 0..2 {
                let mut reader = seq.reader();
                let mut back = Vec::new();
                while let Some(r) = reader.next().unwrap() {
                    back.push(r);
                }
                assert_eq!(back, records);
            }
        }
    }

    /// A file that cannot be read is an error, not a panic or a short read taken for the end.
    #[test]
    fn a_failed_read_is_an_error() {
        let mut seq: Seq<R> = Seq::new(1);
        for i in 0..10 {
            seq.push(R(i, 0)).unwrap();
        }
        seq.finish().unwrap();
        if let Some(d) = &mut seq.disk {
            // As if the disk had lost the file's end.
            d.file.set_len(20).unwrap();
        }
        let mut reader = seq.reader();
        let mut got = 0;
        let err = loop {
            match reader.next() {
                Ok(Some(_)) => got += 1,
                Ok(None) => panic!("read to the end of a truncated file"),
                Err(e) => break e,
            }
        };
        assert_eq!(got, 0);
        assert_eq!(err.kind(), io::ErrorKind::UnexpectedEof);
    }
}
