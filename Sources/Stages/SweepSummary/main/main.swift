import BuildProvenance
import PipelineCore
import SweepSummary

StageMain.run(SweepSummaryStage.self, codeTable: codeTable)
